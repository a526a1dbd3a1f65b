package dev.dovetail.cutover;

/** What to do with the published read percent this pass. */
public sealed interface ReadStep {
  /** The percent to publish after this decision. */
  int percent();

  /** Published equals requested; nothing to do. */
  record Keep(int percent) implements ReadStep {}

  /** Publish a new percent (a gated raise, or an ungated lowering); reason says which. */
  record Apply(int percent, int from, String reason) implements ReadStep {}

  /** A raise is held back by a gate; the message names the gate and its measured value. */
  record Hold(int percent, int requested, String reason, String message) implements ReadStep {}

  /** A gate turned red after a step: fall back to the last good percent. */
  record FallBack(int percent, int from, String why) implements ReadStep {}
}
