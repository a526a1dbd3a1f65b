package dev.dovetail.api.v1alpha1;

/** What the user asks of a cutover. */
public enum CutoverPhase {
  /** Copy, replicate, verify and follow the requested read percent and write target. */
  Run,
  /** Done: remove what the operator created (replication, heartbeat, triggers), keep all data. */
  Complete
}
