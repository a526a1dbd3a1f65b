package dev.dovetail.api.v1alpha1;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of core/v1 Event reasons the operator records, each with its Event type and what
 * it means. An Event cannot be recorded with any other reason: {@code EventRecorder} takes only
 * these. The reason strings are those of {@link Reasons} (a transition's Event carries the
 * Progressing condition's reason); README.md's "Events" table lists the same set.
 */
public enum EventReason {
  // Both kinds
  INVALID_SPEC(Reasons.INVALID_SPEC, Type.Warning, "a spec field is wrong; nothing ran"),
  DATABASE_UNREACHABLE(
      Reasons.DATABASE_UNREACHABLE,
      Type.Warning,
      "the Secret or a database cannot be reached (retried), or a deleted migration could not be"
          + " cleaned up"),
  REPLICATION_LAGGING(
      Reasons.REPLICATION_LAGGING, Type.Warning, "replica or target lag is over its gate"),
  VERIFICATION_MISMATCH(
      Reasons.VERIFICATION_MISMATCH, Type.Warning, "verification found rows that differ"),
  PAUSED(Reasons.PAUSED, Type.Normal, "spec.paused turned true, or false again (resuming)"),
  SOAKING(Reasons.SOAKING, Type.Normal, "the next step waits for its soak time"),

  // DatabaseMigration
  LOCK_TIMEOUT(
      Reasons.LOCK_TIMEOUT,
      Type.Warning,
      "a DDL statement kept timing out on a lock, or a catalog read of the operator gave up"
          + " behind an ACCESS EXCLUSIVE holder; the message names the blocking backend"),
  LONG_RUNNING_TRANSACTION(
      Reasons.LONG_RUNNING_TRANSACTION,
      Type.Warning,
      "before DDL, a transaction older than gates.longTransactionWarning holds a lock on a table"
          + " to change"),
  DRY_RUN(Reasons.DRY_RUN, Type.Normal, "spec.dryRun: the plan is in status.plan, nothing ran"),
  QUEUED(Reasons.QUEUED, Type.Normal, "another DatabaseMigration holds a table this one changes"),
  SNAPSHOT_PENDING(
      Reasons.SNAPSHOT_PENDING, Type.Normal, "expand waits for the pre-migration snapshot"),
  SNAPSHOT_FAILED(
      Reasons.SNAPSHOT_FAILED,
      Type.Warning,
      "the pre-migration snapshot failed; nothing changed in the database"),
  EXPAND_NOT_VERIFIED(
      Reasons.EXPAND_NOT_VERIFIED,
      Type.Warning,
      "contract was requested before expand was verified"),
  EXPANDING(Reasons.EXPANDING, Type.Normal, "additive DDL is being applied"),
  BACKFILL_RUNNING(
      Reasons.BACKFILL_RUNNING,
      Type.Normal,
      "the backfill Job started, or passed 25, 50 or 75 percent of the rows"),
  BACKFILL_FAILED(Reasons.BACKFILL_FAILED, Type.Warning, "the backfill Job failed"),
  VERIFYING(
      Reasons.VERIFYING, Type.Normal, "constraints are validated and the verification Job runs"),
  VERIFICATION_FAILED(
      Reasons.VERIFICATION_FAILED, Type.Warning, "the verification Job itself failed"),
  EXPANDED(Reasons.EXPANDED, Type.Normal, "expand is verified: old and new versions can run"),
  CONTRACTING(Reasons.CONTRACTING, Type.Normal, "the old side is being hidden or dropped"),
  CONTRACTED(Reasons.CONTRACTED, Type.Normal, "contract is done"),
  CONSTRAINT_VIOLATED(
      Reasons.CONSTRAINT_VIOLATED,
      Type.Warning,
      "existing rows violate a constraint being validated; retried"),
  DUPLICATE_KEYS(
      Reasons.DUPLICATE_KEYS,
      Type.Warning,
      "a unique index or constraint cannot be built over duplicate keys; retried"),
  INDEX_BUILD_FAILED(
      Reasons.INDEX_BUILD_FAILED,
      Type.Warning,
      "CREATE INDEX CONCURRENTLY failed or left an invalid index; retried"),
  DDL_FAILED(Reasons.DDL_FAILED, Type.Warning, "PostgreSQL refused a DDL statement; retried"),
  CONTRACT_IRREVERSIBLE(
      Reasons.CONTRACT_IRREVERSIBLE,
      Type.Warning,
      "the spec asks to undo a contract that already dropped the old schema"),
  ROLLING_BACK(
      Reasons.ROLLING_BACK, Type.Normal, "operations are being rolled back (abandon or removed)"),
  UNCONTRACTING(
      Reasons.UNCONTRACTING, Type.Normal, "a contract is undone (spec.phase back to Expand)"),
  CLEANUP_PENDING(
      Reasons.CLEANUP_PENDING,
      Type.Normal,
      "contracted; the hidden old side is dropped after spec.cleanupAfter"),
  ABANDONED(Reasons.ABANDONED, Type.Normal, "spec.phase Abandon is done"),
  EXPAND_TIMED_OUT(
      Reasons.EXPAND_TIMED_OUT,
      Type.Warning,
      "expand did not finish within spec.timeout and was rolled back"),

  // DualWriteCutover
  PENDING(Reasons.PENDING, Type.Normal, "the first reconcile of a cutover"),
  COPYING(Reasons.COPYING, Type.Normal, "the target tables are created and the copy Job runs"),
  COPY_FAILED(Reasons.COPY_FAILED, Type.Warning, "the copy Job failed after its retries"),
  CATCHING_UP(
      Reasons.CATCHING_UP, Type.Normal, "the copy is done; the target catches up with the source"),
  COMPARE_FAILED(
      Reasons.COMPARE_FAILED, Type.Warning, "a verification round's Job failed; it starts again"),
  STEP_FAILED(
      Reasons.STEP_FAILED,
      Type.Warning,
      "a step against a database failed (retried), or cleanup at deletion failed or waits"),
  LAG_NOT_MEASURED(Reasons.LAG_NOT_MEASURED, Type.Normal, "a step waits for the first lag reading"),
  SUBSCRIPTION_DISABLED(
      Reasons.SUBSCRIPTION_DISABLED, Type.Warning, "the subscription on the target is disabled"),
  NOT_YET_VERIFIED(
      Reasons.NOT_YET_VERIFIED, Type.Normal, "a step waits for the first verification round"),
  READ_STEP_APPLIED(Reasons.READ_STEP_APPLIED, Type.Normal, "a raise of the read percent ran"),
  READ_STEP_LOWERED(Reasons.READ_STEP_LOWERED, Type.Normal, "the read percent was lowered"),
  READ_STEP_ROLLED_BACK(
      Reasons.READ_STEP_ROLLED_BACK,
      Type.Warning,
      "a gate turned red after a step and the read percent fell back"),
  READS_NOT_ON_TARGET(
      Reasons.READS_NOT_ON_TARGET,
      Type.Normal,
      "writes were asked to move before reads are at 100 percent on the target"),
  WRITES_SWITCHED(Reasons.WRITES_SWITCHED, Type.Normal, "the write switch ran"),
  WRITE_SWITCH_ABORTED(
      Reasons.WRITE_SWITCH_ABORTED,
      Type.Warning,
      "the write switch passed gates.maxWritePause and was undone"),
  FOREIGN_KEYS_ADDED(
      Reasons.FOREIGN_KEYS_ADDED, Type.Normal, "the source's foreign keys were added NOT VALID"),
  FOREIGN_KEYS_VALIDATED(
      Reasons.FOREIGN_KEYS_VALIDATED,
      Type.Normal,
      "the target's foreign keys were validated before it takes writes"),
  FOREIGN_KEYS_NOT_MOVED(
      Reasons.FOREIGN_KEYS_NOT_MOVED,
      Type.Warning,
      "foreign keys to tables outside the move are not created on the target"),
  STEP_REACHED(
      Reasons.STEP_REACHED, Type.Normal, "the requested step is published and its gates are green"),
  COMPLETED(Reasons.COMPLETED, Type.Normal, "spec.phase Complete: replication is removed"),
  CLEANED_UP(Reasons.CLEANED_UP, Type.Normal, "deleted: what the operator created is removed");

  /** core/v1 Event types. */
  public enum Type {
    Normal,
    Warning
  }

  private static final Map<String, EventReason> BY_REASON =
      Arrays.stream(values()).collect(Collectors.toMap(EventReason::reason, Function.identity()));

  private final String reason;
  private final Type type;
  private final String meaning;

  EventReason(String reason, Type type, String meaning) {
    this.reason = reason;
    this.type = type;
    this.meaning = meaning;
  }

  /** The Event's reason field, a constant of {@link Reasons}. */
  public String reason() {
    return reason;
  }

  public Type type() {
    return type;
  }

  /** One line: when the operator records it. */
  public String meaning() {
    return meaning;
  }

  /** The Event reason for a condition reason; empty for reasons no Event carries. */
  public static Optional<EventReason> of(String reason) {
    return Optional.ofNullable(reason).map(BY_REASON::get);
  }
}
