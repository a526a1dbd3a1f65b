package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The cutover's decisions. Pure: every input is a parameter (the clock included), so each rule
 * below has a unit test. Safety is asymmetric on purpose: moving traffic toward the target is
 * gated, moving it back toward the source never is.
 */
public final class CutoverDecisions {
  private CutoverDecisions() {}

  /**
   * @param requested spec.readFromTargetPercent
   * @param published what the flag carries now
   * @param lastGood the percent a fallback returns to (see {@link #lastGood})
   * @param lastStepAt when the published percent last changed; null before the first step
   * @param rolledBack a fallback already happened for this spec generation: the user decides the
   *     next raise (re-raising by itself would flap between the steps)
   */
  public static ReadStep readStep(
      int requested,
      int published,
      int lastGood,
      Instant lastStepAt,
      Duration minSoak,
      boolean rollbackOnFailure,
      boolean rolledBack,
      Gate replication,
      Gate consistency,
      Instant now) {
    if (requested < published) {
      return new ReadStep.Apply(requested, published, Reasons.READ_STEP_LOWERED);
    }
    Optional<Gate> red = GateChecks.firstRed(replication, consistency);
    if (red.isPresent() && rollbackOnFailure && published > lastGood) {
      return new ReadStep.FallBack(
          lastGood,
          published,
          red.get().condition()
              + " turned False at "
              + published
              + "% reads on the target ("
              + red.get().message()
              + "); fell back to the last good step "
              + lastGood
              + "%");
    }
    if (requested == published) {
      return new ReadStep.Keep(published);
    }
    if (rolledBack) {
      return new ReadStep.Hold(
          published,
          requested,
          Reasons.READ_STEP_ROLLED_BACK,
          "fell back to "
              + published
              + "% after a gate failed; change spec.readFromTargetPercent to try again");
    }
    if (red.isPresent()) {
      return new ReadStep.Hold(
          published,
          requested,
          red.get().reason(),
          "raise to "
              + requested
              + "% waits for "
              + red.get().condition()
              + ": "
              + red.get().message());
    }
    Duration soaked = soaked(lastStepAt, now);
    if (soaked != null && soaked.compareTo(minSoak) < 0) {
      return new ReadStep.Hold(
          published,
          requested,
          Reasons.SOAKING,
          "raise to "
              + requested
              + "% waits for the "
              + published
              + "% step to soak: "
              + Durations.format(soaked)
              + " of gates.minSoak "
              + Durations.format(minSoak));
    }
    return new ReadStep.Apply(requested, published, Reasons.READ_STEP_APPLIED);
  }

  /**
   * The step a fallback returns to: the percent a raise came from (it held its gates for minSoak,
   * or the raise would not have been applied), so a gate that turns red at any time on a step sends
   * reads back one step. A lowering is good at once (less traffic on the target is never worse).
   *
   * @param published the percent published after this pass
   * @param before the percent published before this pass
   */
  public static int lastGood(int published, int before, int lastGood) {
    if (published > before) {
      return before;
    }
    if (published < before) {
      return Math.min(lastGood, published);
    }
    return lastGood;
  }

  /**
   * Writes move to the target only with every read on the target and both gates green; moving them
   * back to the source is never gated (it is the way out).
   */
  public static WriteStep writeStep(
      WriteTarget requested,
      WriteTarget published,
      int publishedReads,
      Gate replication,
      Gate consistency) {
    if (requested == published) {
      return new WriteStep.Keep(published);
    }
    if (requested == WriteTarget.Source) {
      return new WriteStep.Switch(WriteTarget.Source);
    }
    if (publishedReads != 100) {
      return new WriteStep.Hold(
          published,
          Reasons.READS_NOT_ON_TARGET,
          "writes move to the target only at 100% reads on the target; published "
              + publishedReads
              + "%");
    }
    Optional<Gate> red = GateChecks.firstRed(replication, consistency);
    if (red.isPresent()) {
      return new WriteStep.Hold(
          published,
          red.get().reason(),
          "write switch waits for " + red.get().condition() + ": " + red.get().message());
    }
    return new WriteStep.Switch(WriteTarget.Target);
  }

  /** Whether a compare round is due: none yet, or the last finished longer than interval ago. */
  public static boolean verificationDue(Instant lastFinishedAt, Duration interval, Instant now) {
    return lastFinishedAt == null || !lastFinishedAt.plus(interval).isAfter(now);
  }

  private static Duration soaked(Instant lastStepAt, Instant now) {
    return lastStepAt == null ? null : Duration.between(lastStepAt, now);
  }
}
