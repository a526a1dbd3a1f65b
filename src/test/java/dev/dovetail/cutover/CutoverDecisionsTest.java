package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.CutoverSync.Mode;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CutoverDecisionsTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final Duration SOAK = Duration.ofMinutes(10);
  static final Duration MAX_LAG = Duration.ofSeconds(5);
  static final Gate LAG_OK =
      GateChecks.replication(
          Mode.LogicalReplication, new LagView(100L, Duration.ofMillis(400), true), MAX_LAG);
  static final Gate LAG_HIGH =
      GateChecks.replication(
          Mode.LogicalReplication, new LagView(9_000_000L, Duration.ofSeconds(42), true), MAX_LAG);
  static final Gate CONSISTENT = GateChecks.consistency(Optional.of(round(0)), "r");
  static final Gate MISMATCH = GateChecks.consistency(Optional.of(round(3)), "shop-report");

  static VerificationView round(long differing) {
    return new VerificationView(
        4, 10, 5000, 2, differing, List.of("public.users:7"), List.of("public.users:7"), NOW);
  }

  static ReadStep read(
      int requested,
      int published,
      int lastGood,
      Instant lastStep,
      Gate lag,
      Gate cons,
      boolean rollback) {
    return CutoverDecisions.readStep(
        requested, published, lastGood, lastStep, SOAK, rollback, false, lag, cons, NOW);
  }

  @Test
  void aRaiseAppliesWhenGatesAreGreenAndThePreviousStepSoaked() {
    var step = read(10, 1, 1, NOW.minus(Duration.ofMinutes(11)), LAG_OK, CONSISTENT, false);
    assertEquals(new ReadStep.Apply(10, 1, Reasons.READ_STEP_APPLIED), step);
  }

  @Test
  void theFirstStepNeedsNoSoak() {
    assertEquals(10, read(10, 0, 0, null, LAG_OK, CONSISTENT, false).percent());
  }

  @Test
  void aRaiseWaitsForSoakAndSaysHowLongItHasSoaked() {
    var step = read(50, 10, 10, NOW.minus(Duration.ofMinutes(3)), LAG_OK, CONSISTENT, false);
    var hold = assertInstanceOf(ReadStep.Hold.class, step);
    assertEquals(10, hold.percent());
    assertEquals(Reasons.SOAKING, hold.reason());
    assertTrue(hold.message().contains("3m0s of gates.minSoak 10m0s"), hold.message());
  }

  @Test
  void aRaiseIsHeldByLagWithTheMeasuredValue() {
    var hold =
        assertInstanceOf(ReadStep.Hold.class, read(50, 10, 10, null, LAG_HIGH, CONSISTENT, false));
    assertEquals(Reasons.REPLICATION_LAGGING, hold.reason());
    assertTrue(hold.message().contains("ReplicationHealthy"), hold.message());
    assertTrue(hold.message().contains("heartbeat lag 42.0s"), hold.message());
    assertTrue(hold.message().contains("9000000 bytes"), hold.message());
  }

  @Test
  void aRaiseIsHeldByAMismatchNamingKeysAndTheReport() {
    var hold =
        assertInstanceOf(ReadStep.Hold.class, read(50, 10, 10, null, LAG_OK, MISMATCH, false));
    assertEquals(Reasons.VERIFICATION_MISMATCH, hold.reason());
    assertTrue(hold.message().contains("3 rows differ (e.g. public.users:7)"), hold.message());
    assertTrue(hold.message().contains("shop-report"), hold.message());
  }

  @Test
  void aRaiseIsHeldUntilTheFirstVerificationRound() {
    Gate none = GateChecks.consistency(Optional.empty(), "r");
    var hold = assertInstanceOf(ReadStep.Hold.class, read(1, 0, 0, null, LAG_OK, none, false));
    assertEquals(Reasons.NOT_YET_VERIFIED, hold.reason());
  }

  @Test
  void loweringAppliesAtOnceEvenWithRedGatesAndNoSoak() {
    var step = read(10, 50, 10, NOW.minusSeconds(1), LAG_HIGH, MISMATCH, false);
    assertEquals(new ReadStep.Apply(10, 50, Reasons.READ_STEP_LOWERED), step);
  }

  @Test
  void aRedGateAfterAStepFallsBackToTheLastGoodStepWhenAsked() {
    var step = read(50, 50, 10, NOW.minusSeconds(30), LAG_HIGH, CONSISTENT, true);
    var back = assertInstanceOf(ReadStep.FallBack.class, step);
    assertEquals(10, back.percent());
    assertTrue(back.why().contains("ReplicationHealthy turned False at 50%"), back.why());
    assertTrue(back.why().contains("42.0s"), back.why());
    // Without rollbackOnFailure the step stays where it is.
    assertEquals(
        new ReadStep.Keep(50), read(50, 50, 10, NOW.minusSeconds(30), LAG_HIGH, CONSISTENT, false));
  }

  @Test
  void afterAFallBackTheOperatorDoesNotRaiseAgainByItself() {
    var step =
        CutoverDecisions.readStep(50, 10, 10, null, SOAK, true, true, LAG_OK, CONSISTENT, NOW);
    assertEquals(
        Reasons.READ_STEP_ROLLED_BACK, assertInstanceOf(ReadStep.Hold.class, step).reason());
  }

  @Test
  void theLastGoodStepIsTheOneARaiseCameFrom() {
    assertEquals(10, CutoverDecisions.lastGood(50, 10, 1), "a raise 10 -> 50 falls back to 10");
    assertEquals(10, CutoverDecisions.lastGood(50, 50, 10), "kept while the step stays");
    assertEquals(1, CutoverDecisions.lastGood(1, 50, 10), "a lowering below it is good at once");
    assertEquals(10, CutoverDecisions.lastGood(50, 100, 10), "a lowering above it keeps it");
  }

  @Test
  void writesMoveToTheTargetOnlyAtHundredPercentReadsAndGreenGates() {
    var notYet =
        CutoverDecisions.writeStep(WriteTarget.Target, WriteTarget.Source, 50, LAG_OK, CONSISTENT);
    assertEquals(
        Reasons.READS_NOT_ON_TARGET, assertInstanceOf(WriteStep.Hold.class, notYet).reason());
    var lagging =
        CutoverDecisions.writeStep(
            WriteTarget.Target, WriteTarget.Source, 100, LAG_HIGH, CONSISTENT);
    assertEquals(
        Reasons.REPLICATION_LAGGING, assertInstanceOf(WriteStep.Hold.class, lagging).reason());
    assertEquals(
        new WriteStep.Switch(WriteTarget.Target),
        CutoverDecisions.writeStep(
            WriteTarget.Target, WriteTarget.Source, 100, LAG_OK, CONSISTENT));
  }

  @Test
  void writesGoBackToTheSourceUngated() {
    assertEquals(
        new WriteStep.Switch(WriteTarget.Source),
        CutoverDecisions.writeStep(
            WriteTarget.Source, WriteTarget.Target, 100, LAG_HIGH, MISMATCH));
    assertEquals(
        new WriteStep.Keep(WriteTarget.Target),
        CutoverDecisions.writeStep(
            WriteTarget.Target, WriteTarget.Target, 100, LAG_HIGH, MISMATCH));
  }

  @Test
  void replicationGateReadsEveryMeasurement() {
    assertFalse(GateChecks.replication(Mode.LogicalReplication, null, MAX_LAG).green());
    var disabled =
        GateChecks.replication(
            Mode.LogicalReplication, new LagView(5L, Duration.ZERO, false), MAX_LAG);
    assertEquals(Reasons.SUBSCRIPTION_DISABLED, disabled.reason());
    var noHeartbeat =
        GateChecks.replication(Mode.LogicalReplication, new LagView(5L, null, true), MAX_LAG);
    assertEquals(Reasons.LAG_NOT_MEASURED, noHeartbeat.reason());
    assertTrue(LAG_OK.green());
    assertEquals(Reasons.REPLICATION_WITHIN_LIMIT, LAG_OK.reason());
    assertTrue(GateChecks.replication(Mode.ApplicationDualWrite, null, MAX_LAG).green());
  }

  @Test
  void verificationIsDueAfterTheInterval() {
    assertTrue(CutoverDecisions.verificationDue(null, SOAK, NOW));
    assertFalse(CutoverDecisions.verificationDue(NOW.minusSeconds(60), Duration.ofMinutes(5), NOW));
    assertTrue(CutoverDecisions.verificationDue(NOW.minusSeconds(300), Duration.ofMinutes(5), NOW));
  }
}
