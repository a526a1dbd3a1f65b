package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.CutoverPhase;
import dev.dovetail.api.v1alpha1.CutoverSync;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.cutover.CutoverObservation.CopyView;
import dev.dovetail.cutover.CutoverPlan.Action;
import dev.dovetail.cutover.CutoverPlan.State.Kind;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.migration.JobView;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cutover's pass decided from spec, previous status and observation alone. */
class CutoverPlannerTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final LagView LAG_OK = new LagView(100L, Duration.ofMillis(300), true);

  /** An observation with replication running, the first round consistent, the flag at 0%. */
  static CutoverObservation replicating(
      int reads, Optional<VerificationView> round, JobView compare) {
    return new CutoverObservation(
        List.of(),
        null,
        List.of("public.accounts"),
        "h",
        job("copy", JobOutcome.SUCCEEDED),
        new CopyView(4, 4, 1000),
        true,
        LAG_OK,
        NOW,
        round,
        round.map(r -> r.round() + 1).orElse(1L),
        compare,
        reads,
        WriteTarget.Source,
        "c-verification",
        NOW,
        List.of());
  }

  static CutoverObservation copying(JobView copy, boolean subscribed) {
    return new CutoverObservation(
        List.of(),
        null,
        List.of("public.accounts"),
        "h",
        copy,
        new CopyView(1, 4, 250),
        subscribed,
        null,
        null,
        Optional.empty(),
        1,
        null,
        0,
        WriteTarget.Source,
        "c-verification",
        NOW,
        List.of());
  }

  static Optional<VerificationView> round(long differing, Instant finished) {
    return Optional.of(
        new VerificationView(
            3,
            10,
            1000,
            0,
            differing,
            List.of("public.accounts:8"),
            List.of("public.accounts:8"),
            finished));
  }

  static JobView job(String role, JobOutcome outcome) {
    return new JobView(
        role,
        "c-" + role + "-1",
        "h",
        outcome,
        outcome == JobOutcome.FAILED ? "BackoffLimitExceeded" : null);
  }

  static DualWriteCutoverSpec spec(int reads) {
    var spec = new DualWriteCutoverSpec();
    spec.setReadFromTargetPercent(reads);
    spec.getGates().setMinSoak("1m");
    spec.getVerification().setInterval("5m");
    return spec;
  }

  static DualWriteCutoverStatus published(int reads, int lastGood, Instant stepAt) {
    var s = new DualWriteCutoverStatus();
    s.setPhase(CutoverPlanner.PHASE_REPLICATING);
    s.setReadFromTargetPercent(reads);
    s.setLastGoodReadFromTargetPercent(lastGood);
    s.setWriteTarget("Source");
    s.setFlagConfigMap("routing");
    s.setLastStepAt(stepAt == null ? null : stepAt.toString());
    return s;
  }

  static CutoverPlan plan(
      DualWriteCutoverSpec spec, DualWriteCutoverStatus prev, CutoverObservation seen) {
    return CutoverPlanner.plan(spec, prev, 1L, seen);
  }

  @Test
  void aSpecProblemStopsThePassAndNamesTheField() {
    var p = plan(spec(0), null, CutoverObservation.refused(List.of("spec.tables[1]: bad"), NOW));
    assertEquals(CutoverPlanner.PHASE_INVALID, p.phase());
    assertEquals(Kind.BLOCKED, p.state().kind());
    assertEquals(Reasons.INVALID_SPEC, p.state().reason());
    assertEquals("spec.tables[1]: bad", p.state().message());
    assertTrue(p.actions().isEmpty());
  }

  @Test
  void anUnreachableDatabaseKeepsThePhaseAndActsOnNothing() {
    var p =
        plan(
            spec(10),
            published(10, 1, NOW),
            CutoverObservation.unreachable(
                "spec.source: cannot connect", 10, WriteTarget.Source, NOW));
    assertEquals(CutoverPlanner.PHASE_REPLICATING, p.phase());
    assertEquals(Reasons.DATABASE_UNREACHABLE, p.state().reason());
    assertEquals(10, p.reads());
    assertTrue(p.actions().isEmpty());
  }

  @Test
  void aReadThatGaveUpOnALockKeepsThePhaseAndActsOnNothing() {
    var p =
        plan(
            spec(10),
            published(10, 1, NOW),
            CutoverObservation.lockWait(
                "a read of the operator waited 1.0s for a lock and gave up; on the source ...",
                10,
                WriteTarget.Source,
                NOW));
    assertEquals(CutoverPlanner.PHASE_REPLICATING, p.phase());
    assertEquals(Kind.BLOCKED, p.state().kind());
    assertEquals(Reasons.LOCK_TIMEOUT, p.state().reason());
    assertTrue(p.state().message().startsWith("a read of the operator waited 1.0s"));
    assertEquals(10, p.reads());
    assertTrue(p.actions().isEmpty());
  }

  @Test
  void theCopyStartsOnceThenIsWatchedThenSubscribes() {
    var start = plan(spec(0), null, copying(null, false));
    assertEquals(EnumSet.of(Action.SETUP, Action.START_COPY), start.actions());
    assertEquals(CutoverPlanner.PHASE_COPYING, start.phase());

    var running = plan(spec(0), null, copying(job("copy", JobOutcome.RUNNING), false));
    assertTrue(running.actions().isEmpty());
    assertEquals(
        "copy Job c-copy-1: 1 of 4 key ranges, 250 rows copied", running.state().message());

    var done = plan(spec(0), null, copying(job("copy", JobOutcome.SUCCEEDED), false));
    assertEquals(Set.of(Action.SUBSCRIBE), done.actions());
    assertEquals(CutoverPlanner.PHASE_CATCHING_UP, done.phase());
  }

  @Test
  void aFailedCopyIsDegradedWithTheJobsMessage() {
    var p = plan(spec(0), null, copying(job("copy", JobOutcome.FAILED), false));
    assertEquals(CutoverPlanner.PHASE_FAILED, p.phase());
    assertEquals(Reasons.COPY_FAILED, p.degraded());
    assertEquals("copy Job c-copy-1 failed: BackoffLimitExceeded", p.state().message());
  }

  @Test
  void beforeTheFirstRoundItIsCatchingUpAndStartsOne() {
    var p = plan(spec(0), published(0, 0, null), replicating(0, Optional.empty(), null));
    assertTrue(p.actions().contains(Action.START_COMPARE));
    assertEquals(Kind.MOVING, p.state().kind());
    assertEquals(Reasons.CATCHING_UP, p.state().reason());
    assertEquals(CutoverPlanner.PHASE_VERIFYING, p.phase());
  }

  @Test
  void aRoundRunsOnlyWhenTheIntervalPassedAndNoneRuns() {
    var recent = round(0, NOW.minus(Duration.ofMinutes(1)));
    assertTrue(
        !plan(spec(0), published(0, 0, null), replicating(0, recent, null))
            .actions()
            .contains(Action.START_COMPARE));
    var old = round(0, NOW.minus(Duration.ofMinutes(6)));
    assertTrue(
        plan(spec(0), published(0, 0, null), replicating(0, old, null))
            .actions()
            .contains(Action.START_COMPARE));
    assertTrue(
        !plan(
                spec(0),
                published(0, 0, null),
                replicating(0, old, job("compare", JobOutcome.RUNNING)))
            .actions()
            .contains(Action.START_COMPARE));
  }

  @Test
  void aFailedRoundIsRetriedAndBeforeAnyRoundKeepsConsistentRed() {
    var p =
        plan(
            spec(0),
            published(0, 0, null),
            replicating(0, Optional.empty(), job("compare", JobOutcome.FAILED)));
    assertTrue(p.actions().contains(Action.RETRY_COMPARE));
    assertEquals(Reasons.COMPARE_FAILED, p.consistency().reason());
    assertEquals(Kind.BLOCKED, p.state().kind());
  }

  @Test
  void greenGatesAtTheRequestedStepAreReady() {
    var p = plan(spec(0), published(0, 0, null), replicating(0, round(0, NOW), null));
    assertEquals(Kind.READY, p.state().kind());
    assertEquals(Reasons.STEP_REACHED, p.state().reason());
    assertTrue(
        p.state().message().startsWith("0% of reads and the writes on the source; heartbeat"));
    assertNull(p.degraded());
  }

  @Test
  void aSoakedGreenRaiseIsPublishedAndRemembersWhereItCameFrom() {
    var p =
        plan(
            spec(50),
            published(10, 1, NOW.minus(Duration.ofMinutes(2))),
            replicating(10, round(0, NOW), null));
    assertEquals(50, p.reads());
    assertEquals(10, p.lastGood());
    assertTrue(p.actions().contains(Action.PUBLISH_FLAG));
    assertEquals(Reasons.READ_STEP_APPLIED, p.state().reason());
    assertEquals(CutoverPlanner.PHASE_CUTTING_OVER, p.phase());
  }

  @Test
  void aMismatchAfterARaiseFallsBackOneStepAndIsDegraded() {
    var spec = spec(50);
    spec.getGates().setRollbackOnFailure(true);
    var p =
        plan(
            spec,
            published(50, 10, NOW.minus(Duration.ofHours(1))),
            replicating(50, round(1, NOW), null));
    assertEquals(10, p.reads());
    assertEquals(Reasons.READ_STEP_ROLLED_BACK, p.degraded());
    assertTrue(p.degradedMessage().contains("public.accounts:8"), p.degradedMessage());
    assertTrue(p.actions().contains(Action.PUBLISH_FLAG));
  }

  @Test
  void withoutRollbackAMismatchHoldsAndIsDegraded() {
    var spec = spec(50);
    spec.getGates().setRollbackOnFailure(false);
    var p = plan(spec, published(50, 10, NOW), replicating(50, round(1, NOW), null));
    assertEquals(50, p.reads());
    assertEquals(Kind.BLOCKED, p.state().kind());
    assertEquals(Reasons.VERIFICATION_MISMATCH, p.state().reason());
    assertEquals(Reasons.VERIFICATION_MISMATCH, p.degraded());
  }

  @Test
  void writesSwitchOnlyAtHundredPercentWithGreenGates() {
    var spec = spec(100);
    spec.setWriteTarget(WriteTarget.Target);
    var at50 = plan(spec, published(50, 10, NOW), replicating(50, round(0, NOW), null));
    assertTrue(!at50.actions().contains(Action.SWITCH_WRITES));
    assertTrue(
        !at50.actions().contains(Action.VALIDATE_FOREIGN_KEYS), "no validation before the switch");
    var at100 =
        plan(
            spec,
            published(100, 50, NOW.minus(Duration.ofHours(1))),
            replicating(100, round(0, NOW), null));
    assertTrue(at100.actions().contains(Action.SWITCH_WRITES));
    assertTrue(
        at100.actions().contains(Action.VALIDATE_FOREIGN_KEYS),
        "the target's foreign keys are validated before it takes writes");
    assertTrue(
        new java.util.ArrayList<>(at100.actions()).indexOf(Action.VALIDATE_FOREIGN_KEYS)
            < new java.util.ArrayList<>(at100.actions()).indexOf(Action.SWITCH_WRITES),
        "validation runs before the switch: " + at100.actions());
    assertEquals(WriteTarget.Target, at100.switchTo());
    assertEquals(CutoverPlanner.PHASE_WRITES_ON_TARGET, at100.phase());
  }

  @Test
  void completeCleansUpAndIsReady() {
    var spec = spec(100);
    spec.setPhase(CutoverPhase.Complete);
    var p = plan(spec, published(100, 50, NOW), replicating(100, round(0, NOW), null));
    assertEquals(Set.of(Action.CLEANUP), p.actions());
    assertEquals(Kind.READY, p.state().kind());
    assertEquals(Reasons.COMPLETED, p.state().reason());
  }

  @Test
  void applicationDualWriteNeverCopiesOrSubscribes() {
    var spec = spec(0);
    spec.getSync().setMode(CutoverSync.Mode.ApplicationDualWrite);
    var p = plan(spec, null, copying(null, false));
    assertTrue(p.actions().contains(Action.SETUP));
    assertTrue(!p.actions().contains(Action.START_COPY));
    assertTrue(!p.actions().contains(Action.SUBSCRIBE));
    assertTrue(p.replication().green(), p.replication().message());
  }

  @Test
  void pausedHoldsRaisesSwitchesAndRoundsButNotALowering() {
    var spec = spec(100);
    spec.setPaused(true);
    var old = round(0, NOW.minus(Duration.ofHours(1)));
    var raise =
        plan(spec, published(50, 10, NOW.minus(Duration.ofHours(1))), replicating(50, old, null));
    assertEquals(50, raise.reads());
    assertEquals(Reasons.PAUSED, raise.state().reason());
    assertTrue(!raise.actions().contains(Action.START_COMPARE));
    var lower = spec(10);
    lower.setPaused(true);
    assertEquals(10, plan(lower, published(50, 10, NOW), replicating(50, old, null)).reads());
    var keep = spec(50);
    keep.setPaused(true);
    var held = plan(keep, published(50, 10, NOW), replicating(50, old, null));
    assertEquals(Kind.BLOCKED, held.state().kind());
    assertEquals(Reasons.PAUSED, held.state().reason());
  }
}
