package dev.dovetail.api.v1alpha1;

/** Condition types, shared by both resources. Each is a fact a person can read in one word. */
public final class ConditionTypes {
  /** The requested phase is reached and verified. Argo CD health keys off this. */
  public static final String READY = "Ready";

  /** The operator is moving toward the requested phase; False says which gate holds it. */
  public static final String PROGRESSING = "Progressing";

  /** Every replica's measured lag is under {@code gates.maxReplicationLag}. */
  public static final String REPLICATION_HEALTHY = "ReplicationHealthy";

  /** The backfill Job finished: every row has its new side. */
  public static final String BACKFILL_COMPLETE = "BackfillComplete";

  /** The verification Job found 0 pending and 0 differing rows. */
  public static final String VERIFIED = "Verified";

  /** Cutover: the latest verification round found no differing row (missing ones repaired). */
  public static final String CONSISTENT = "Consistent";

  /**
   * Cutover: something a person should look at (a gate failed after a step and the operator fell
   * back, a Job failed, the write switch aborted). Argo CD shows Degraded.
   */
  public static final String DEGRADED = "Degraded";

  private ConditionTypes() {}
}
