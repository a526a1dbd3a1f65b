package dev.dovetail.api.v1alpha1;

/**
 * The closed set of condition reasons (and Event reasons). CamelCase, stable: dashboards and Argo
 * CD health checks match on them.
 */
public final class Reasons {
  // Spec and connectivity
  /** A spec field is wrong; the message names it. Nothing ran. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** The Secret or the database cannot be reached; retried. */
  public static final String DATABASE_UNREACHABLE = "DatabaseUnreachable";

  // Gates
  /** Replica lag is over the gate; the message gives the measured value. */
  public static final String REPLICATION_LAGGING = "ReplicationLagging";

  /** Replica lag measured and under the gate. */
  public static final String REPLICATION_WITHIN_LIMIT = "ReplicationWithinLimit";

  /** No replica is attached; nothing to wait for. */
  public static final String NO_REPLICAS = "NoReplicas";

  /** A DDL statement kept timing out on a lock; the message names the blocking backend. */
  public static final String LOCK_TIMEOUT = "LockTimeout";

  /**
   * Event only (Warning): before DDL, a transaction older than gates.longTransactionWarning holds a
   * lock on a table an operation touches; the message gives pid, state, age and the start of its
   * query. It does not block expand (lock_timeout and retries handle blocking).
   */
  public static final String LONG_RUNNING_TRANSACTION = "LongRunningTransaction";

  /** spec.paused is true. */
  public static final String PAUSED = "Paused";

  /** spec.dryRun is true: the plan is in status.plan and nothing forward runs. */
  public static final String DRY_RUN = "DryRun";

  /**
   * Another DatabaseMigration holds a table this one touches; the message names it
   * (namespace/name). Starts by itself when that one is contracted, abandoned or deleted.
   */
  public static final String QUEUED = "Queued";

  /**
   * spec.snapshot: expand waits for the VolumeSnapshot to be readyToUse or the dump Job to finish;
   * no DDL has run for this generation.
   */
  public static final String SNAPSHOT_PENDING = "SnapshotPending";

  /**
   * spec.snapshot: the VolumeSnapshot reported an error or the dump Job failed; nothing was changed
   * in the database. The message is the snapshot's error.
   */
  public static final String SNAPSHOT_FAILED = "SnapshotFailed";

  /** Contract waits for the expand soak time (gates.minExpandDuration). */
  public static final String SOAKING = "Soaking";

  /** Contract was requested before expand was verified. */
  public static final String EXPAND_NOT_VERIFIED = "ExpandNotVerified";

  // Forward progress
  public static final String EXPANDING = "Expanding";
  public static final String BACKFILL_RUNNING = "BackfillRunning";
  public static final String BACKFILL_SUCCEEDED = "BackfillSucceeded";
  public static final String BACKFILL_FAILED = "BackfillFailed";
  public static final String VERIFYING = "Verifying";
  public static final String VERIFICATION_PASSED = "VerificationPassed";
  public static final String VERIFICATION_MISMATCH = "VerificationMismatch";
  public static final String VERIFICATION_FAILED = "VerificationFailed";
  public static final String EXPANDED = "Expanded";
  public static final String CONTRACTING = "Contracting";
  public static final String CONTRACTED = "Contracted";

  // Operation steps that cannot succeed as the data stands; retried a minute later
  /** Existing rows violate a constraint being validated; the message counts them, with keys. */
  public static final String CONSTRAINT_VIOLATED = "ConstraintViolated";

  /** A unique index or constraint cannot be built: the message lists duplicate keys. */
  public static final String DUPLICATE_KEYS = "DuplicateKeys";

  /** CREATE INDEX CONCURRENTLY failed or left an invalid index (which was dropped). */
  public static final String INDEX_BUILD_FAILED = "IndexBuildFailed";

  /** PostgreSQL refused a DDL statement; the message gives its SQLSTATE and error. */
  public static final String DDL_FAILED = "DdlFailed";

  /** Contract already dropped the old schema; moving back to Expand is no longer possible. */
  public static final String CONTRACT_IRREVERSIBLE = "ContractIrreversible";

  // Rollback
  public static final String ROLLING_BACK = "RollingBack";
  public static final String ROLLED_BACK = "RolledBack";

  /** A contract is being undone (spec.phase back to Expand within spec.cleanupAfter). */
  public static final String UNCONTRACTING = "Uncontracting";

  /** Contract hid the old side; it is dropped once spec.cleanupAfter has passed. */
  public static final String CLEANUP_PENDING = "CleanupPending";

  public static final String ABANDONED = "Abandoned";

  /** spec.timeout passed before expand finished: every operation was rolled back. */
  public static final String EXPAND_TIMED_OUT = "ExpandTimedOut";

  // DualWriteCutover (condition and Event reasons)
  /** The initial copy Job is running. */
  public static final String COPYING = "Copying";

  /** The copy Job failed after its retries; the message is the Job's. */
  public static final String COPY_FAILED = "CopyFailed";

  /** The copy finished; the subscription streams from its slot and the target catches up. */
  public static final String CATCHING_UP = "CatchingUp";

  /** A verification round's Job failed after its retries; the next round starts it again. */
  public static final String COMPARE_FAILED = "CompareFailed";

  /** A step against a database failed (the message has the database's error); retried. */
  public static final String STEP_FAILED = "StepFailed";

  /** No lag reading yet (no heartbeat applied on the target so far). */
  public static final String LAG_NOT_MEASURED = "LagNotMeasured";

  /** The subscription on the target is disabled: nothing is applied. */
  public static final String SUBSCRIPTION_DISABLED = "SubscriptionDisabled";

  /** ApplicationDualWrite: the application writes to both, there is no replication to measure. */
  public static final String APPLICATION_DUAL_WRITE = "ApplicationDualWrite";

  /** No verification round has finished yet. */
  public static final String NOT_YET_VERIFIED = "NotYetVerified";

  /** A raise of the read percent was applied (gates green, previous step soaked). */
  public static final String READ_STEP_APPLIED = "ReadStepApplied";

  /** The read percent was lowered; lowering is never gated. */
  public static final String READ_STEP_LOWERED = "ReadStepLowered";

  /** A gate turned red after a step and gates.rollbackOnFailure fell back to the last good one. */
  public static final String READ_STEP_ROLLED_BACK = "ReadStepRolledBack";

  /** Writes move to the target only at 100 percent reads on the target. */
  public static final String READS_NOT_ON_TARGET = "ReadsNotOnTarget";

  /** The write switch ran: the message says which side takes writes and the pause it took. */
  public static final String WRITES_SWITCHED = "WritesSwitched";

  /** The source's foreign keys among the moved tables were added NOT VALID on the target. */
  public static final String FOREIGN_KEYS_ADDED = "ForeignKeysAdded";

  /** The target's foreign keys were validated before it took writes. */
  public static final String FOREIGN_KEYS_VALIDATED = "ForeignKeysValidated";

  /** Foreign keys that reference tables outside the move: not created on the target. */
  public static final String FOREIGN_KEYS_NOT_MOVED = "ForeignKeysNotMoved";

  /** The write switch passed gates.maxWritePause and was undone; the old side takes writes. */
  public static final String WRITE_SWITCH_ABORTED = "WriteSwitchAborted";

  /** The requested read percent and write target are published and their gates are green. */
  public static final String STEP_REACHED = "StepReached";

  /** spec.phase Complete: replication, heartbeat and triggers the operator created are removed. */
  public static final String COMPLETED = "Completed";

  /** The resource is being deleted; the finalizer removes what the operator created. */
  public static final String CLEANED_UP = "CleanedUp";

  /** Nothing is wrong (the Degraded condition's False reason). */
  public static final String HEALTHY = "Healthy";

  /** Waiting for work not yet started (e.g. the first reconcile). */
  public static final String PENDING = "Pending";

  private Reasons() {}
}
