package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.SnapshotStatus;

/**
 * The pre-migration snapshot of the spec generation being expanded, as observed this pass.
 *
 * @param kind VolumeSnapshot or PgDump
 * @param name the VolumeSnapshot's or the dump Job's deterministic name
 * @param message why it is pending or failed; null when ready
 * @param status what status.snapshot shows
 */
public record SnapshotView(
    String kind, String name, long generation, State state, String message, SnapshotStatus status) {

  public enum State {
    /** Not created yet for this generation. */
    ABSENT,
    /** Cannot be created yet (its PVC is missing): expand waits, nothing is created. */
    BLOCKED,
    /** Created, not ready: expand waits. */
    PENDING,
    READY,
    /** Reported an error: no DDL until the spec changes. */
    FAILED
  }
}
