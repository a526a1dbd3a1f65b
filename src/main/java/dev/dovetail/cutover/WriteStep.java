package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;

/** What to do with the write target this pass. */
public sealed interface WriteStep {
  /** Published equals requested. */
  record Keep(WriteTarget target) implements WriteStep {}

  /** Run the write switch toward {@code to}. */
  record Switch(WriteTarget to) implements WriteStep {}

  /** The switch to the target waits; the message names the gate and its value. */
  record Hold(WriteTarget target, String reason, String message) implements WriteStep {}
}
