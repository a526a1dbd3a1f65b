package dev.dovetail.migration;

import dev.dovetail.postgres.BackfillProgress;
import dev.dovetail.postgres.Blocker;
import dev.dovetail.postgres.LagReading;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.SpaceEstimate;
import dev.dovetail.postgres.VerificationRecord;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.SchemaChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Facts read in one pass, before anything is decided. Immutable; built only by {@link
 * MigrationObserver} (and by tests of the planner).
 *
 * @param unreachable why the database could not be read this pass; null when it was
 * @param problems spec and catalog problems, each naming its field; nothing runs while non-empty
 * @param recorded what the database's bookkeeping says this migration did, by operation id
 * @param rollbackable recorded, not contracted operations, rebuilt so they can be undone; an empty
 *     Optional when their table no longer exists
 * @param lag null when not measured this pass
 * @param cleanupAfter spec.cleanupAfter: how long a contract that hid the old side stays undoable
 * @param claims who holds the tables the desired operations touch (same-table serialisation)
 * @param deadline spec.timeout of the expand, when it started, and whether it already passed
 * @param longTransactions transactions older than gates.longTransactionWarning holding a lock on a
 *     table that DDL still has to change (the pre-check report; it blocks nothing)
 * @param spaceNeeded disk the expand of each operation still ahead will write, by operation label
 * @param snapshot spec.snapshot of this generation; null when none is set or no DDL is left to run
 */
public record MigrationObservation(
    Instant now,
    Unreadable unreachable,
    List<String> problems,
    List<DesiredChange> desired,
    Map<String, OperationRecord> recorded,
    Map<String, Optional<SchemaChange>> rollbackable,
    LagReading lag,
    Duration maxLag,
    Duration minExpandDuration,
    boolean bookkeepingInstalled,
    boolean pausedInDatabase,
    JobView backfillJob,
    JobView verifyJob,
    List<BackfillProgress> progress,
    List<VerificationRecord> verification,
    Duration cleanupAfter,
    TableClaims claims,
    ExpandDeadline deadline,
    List<Blocker> longTransactions,
    Map<String, SpaceEstimate> spaceNeeded,
    SnapshotView snapshot) {

  /**
   * spec.timeout: the expand started when the migration first claimed its tables.
   *
   * @param startedAt null before the first claim
   * @param timedOutBefore this spec generation already timed out (status says so): stay rolled back
   */
  public record ExpandDeadline(Duration timeout, Instant startedAt, boolean timedOutBefore) {
    public static final ExpandDeadline NONE = new ExpandDeadline(Duration.ZERO, null, false);

    /** Whether the limit is set and the expand has run longer than it. */
    public boolean passed(Instant now) {
      return !timeout.isZero() && startedAt != null && !now.isBefore(startedAt.plus(timeout));
    }
  }

  /** Without long transactions to report and without spec.snapshot. */
  public MigrationObservation(
      Instant now,
      Unreadable unreachable,
      List<String> problems,
      List<DesiredChange> desired,
      Map<String, OperationRecord> recorded,
      Map<String, Optional<SchemaChange>> rollbackable,
      LagReading lag,
      Duration maxLag,
      Duration minExpandDuration,
      boolean bookkeepingInstalled,
      boolean pausedInDatabase,
      JobView backfillJob,
      JobView verifyJob,
      List<BackfillProgress> progress,
      List<VerificationRecord> verification,
      Duration cleanupAfter,
      TableClaims claims,
      ExpandDeadline deadline) {
    this(
        now,
        unreachable,
        problems,
        desired,
        recorded,
        rollbackable,
        lag,
        maxLag,
        minExpandDuration,
        bookkeepingInstalled,
        pausedInDatabase,
        backfillJob,
        verifyJob,
        progress,
        verification,
        cleanupAfter,
        claims,
        deadline,
        List.of(),
        Map.of(),
        null);
  }

  /** Without table claims (a database where no other migration holds the tables). */
  public MigrationObservation(
      Instant now,
      Unreadable unreachable,
      List<String> problems,
      List<DesiredChange> desired,
      Map<String, OperationRecord> recorded,
      Map<String, Optional<SchemaChange>> rollbackable,
      LagReading lag,
      Duration maxLag,
      Duration minExpandDuration,
      boolean bookkeepingInstalled,
      boolean pausedInDatabase,
      JobView backfillJob,
      JobView verifyJob,
      List<BackfillProgress> progress,
      List<VerificationRecord> verification,
      Duration cleanupAfter) {
    this(
        now,
        unreachable,
        problems,
        desired,
        recorded,
        rollbackable,
        lag,
        maxLag,
        minExpandDuration,
        bookkeepingInstalled,
        pausedInDatabase,
        backfillJob,
        verifyJob,
        progress,
        verification,
        cleanupAfter,
        TableClaims.NONE,
        ExpandDeadline.NONE);
  }

  /** Nothing could be read beyond the spec. */
  static MigrationObservation specOnly(Instant now, List<String> problems, Unreadable unreachable) {
    return new MigrationObservation(
        now,
        unreachable,
        problems,
        List.of(),
        Map.of(),
        Map.of(),
        null,
        Duration.ZERO,
        Duration.ZERO,
        false,
        false,
        null,
        null,
        List.of(),
        List.of(),
        Duration.ZERO,
        TableClaims.NONE,
        ExpandDeadline.NONE,
        List.of(),
        Map.of(),
        null);
  }

  String state(String operationId) {
    OperationRecord r = recorded.get(operationId);
    return r == null ? null : r.state();
  }

  OperationRecord record(String operationId) {
    return recorded.get(operationId);
  }

  /** How many steps of its current stage the operation has done (0 when none is in progress). */
  int step(String operationId) {
    OperationRecord r = recorded.get(operationId);
    return r == null ? 0 : r.step();
  }

  /** Whether any operation has rows to backfill and verify. */
  boolean verifies() {
    return desired.stream().anyMatch(d -> d.change() != null && d.change().backfill().isPresent());
  }

  /** Rows examined and estimated total over all backfill targets. */
  long[] backfillTotals() {
    long done = 0;
    long total = 0;
    for (var p : progress) {
      done += p.rowsDone();
      total += Math.max(p.rowsTotal(), p.rowsDone());
    }
    return new long[] {done, total};
  }

  /** The verification result over all operations: null until every operation has one. */
  Optional<VerificationRecord> verificationTotal() {
    long changes =
        desired.stream()
            .filter(d -> d.change() != null && d.change().backfill().isPresent())
            .count();
    if (verification.isEmpty() || verification.size() < changes) {
      return Optional.empty();
    }
    long checked = 0;
    long missing = 0;
    long differing = 0;
    var samples = new java.util.ArrayList<String>();
    Instant finished = Instant.EPOCH;
    for (var v : verification) {
      checked += v.rowsChecked();
      missing += v.rowsMissing();
      differing += v.rowsDiffering();
      samples.addAll(v.sampleKeys());
      if (v.finishedAt() != null && v.finishedAt().isAfter(finished)) {
        finished = v.finishedAt();
      }
    }
    return Optional.of(
        new VerificationRecord(
            "all",
            verification.get(0).job(),
            checked,
            missing,
            differing,
            samples.subList(0, Math.min(5, samples.size())),
            finished));
  }
}
