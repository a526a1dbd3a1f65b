package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.CutoverCopyStatus;
import dev.dovetail.api.v1alpha1.CutoverForeignKeyStatus;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.cutover.CutoverPlan.State;
import dev.dovetail.kube.JobOutcome;
import java.time.Instant;

/** Turns a pass (observation, plan, outcome) into the status, through the one status builder. */
final class CutoverRecorder {
  private CutoverRecorder() {}

  static DualWriteCutoverStatus status(
      DualWriteCutover cutover,
      CutoverObservation seen,
      CutoverPlan plan,
      CutoverActor.Outcome outcome,
      Instant now) {
    Long generation = cutover.getMetadata().getGeneration();
    var b = new CutoverStatusBuilder(cutover.getStatus(), generation, now).phase(plan.phase());
    if (seen.problems().isEmpty() && seen.unreachable() == null) {
      b.published(plan.reads(), plan.lastGood(), outcome.writes());
      if (plan.actions().contains(CutoverPlan.Action.PUBLISH_FLAG) && outcome.failure() == null) {
        b.flagConfigMap(FlagPublisher.configMapName(cutover));
      }
    }
    if (seen.copyJob() != null) {
      var copy = seen.copy();
      String finished =
          seen.copyJob().outcome() == JobOutcome.SUCCEEDED
              ? previousFinishedAt(cutover, now)
              : null;
      b.copy(
          new CutoverCopyStatus(
              seen.copyJob().name(),
              copy.rangesDone(),
              copy.rangesTotal(),
              copy.rowsCopied(),
              finished));
    }
    if (seen.problems().isEmpty() && seen.unreachable() == null) {
      b.foreignKeys(
          seen.foreignKeys().stream()
              .map(
                  k ->
                      new CutoverForeignKeyStatus(
                          k.name(),
                          k.table().toString(),
                          k.references().toString(),
                          k.state().name()))
              .toList());
    }
    if (seen.lag() != null) {
      b.lag(seen.lag(), seen.lagMeasuredAt());
    }
    seen.verification()
        .ifPresent(
            v ->
                b.verification(
                    CutoverJobs.name(
                        cutover,
                        CutoverJobs.COMPARE,
                        CutoverJobs.compareHash(seen.copyHash(), v.round())),
                    v,
                    seen.reportConfigMap()));
    if (plan.replication() != null && plan.consistency() != null) {
      b.gates(plan.replication(), plan.consistency());
    }
    state(b, plan.state(), outcome);
    if (outcome.switched() != null) {
      b.writePause(outcome.switched().pause());
    }
    if (plan.degraded() != null) {
      b.degraded(plan.degraded(), plan.degradedMessage());
    } else if (outcome.switched() != null && !outcome.switched().switched()) {
      b.degraded(Reasons.WRITE_SWITCH_ABORTED, outcome.switched().message());
    } else if (outcome.problem() == null) {
      b.notDegraded();
    }
    return b.build();
  }

  private static void state(CutoverStatusBuilder b, State state, CutoverActor.Outcome outcome) {
    if (outcome.problem() != null) {
      b.phase(CutoverPlanner.PHASE_INVALID).blocked(Reasons.INVALID_SPEC, outcome.problem());
      return;
    }
    if (outcome.failure() != null) {
      b.blocked(outcome.failureReason(), outcome.failure());
      return;
    }
    var s = outcome.switched();
    if (s != null) {
      if (s.switched()) {
        b.moving(Reasons.WRITES_SWITCHED, s.message());
      } else {
        b.blocked(Reasons.WRITE_SWITCH_ABORTED, s.message());
      }
      return;
    }
    switch (state.kind()) {
      case READY -> b.ready(state.reason(), state.message());
      case MOVING -> b.moving(state.reason(), state.message());
      case BLOCKED -> b.blocked(state.reason(), state.message());
    }
  }

  /** The copy's finish time is stamped once, the first pass that sees the Job succeeded. */
  private static String previousFinishedAt(DualWriteCutover cutover, Instant now) {
    var prev = cutover.getStatus() == null ? null : cutover.getStatus().getCopy();
    if (prev != null && prev.finishedAt() != null) {
      return prev.finishedAt();
    }
    return now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
