package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CutoverSync.Mode;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CutoverStatusBuilderTest {
  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void fiveConditionsInOrderAndLastStepAtMovesOnlyOnChange() {
    var first =
        new CutoverStatusBuilder(null, 1L, T0)
            .phase("Syncing")
            .published(0, 0, WriteTarget.Source)
            .gates(CutoverDecisionsTest.LAG_OK, CutoverDecisionsTest.CONSISTENT)
            .ready("0% reads on the target")
            .build();
    assertEquals(
        List.of("Ready", "Progressing", "ReplicationHealthy", "Consistent", "Degraded"),
        first.getConditions().stream().map(c -> c.getType()).toList());
    assertNull(first.getLastStepAt(), "publishing the starting point is not a step");

    var raised =
        new CutoverStatusBuilder(first, 2L, T0.plusSeconds(60))
            .published(10, 0, WriteTarget.Source)
            .ready("10%")
            .build();
    assertEquals("2026-01-01T12:01:00Z", raised.getLastStepAt());
    assertEquals("Syncing", raised.getPhase(), "what a pass does not set carries over");
    assertTrue(Conditions.isTrue(raised.getConditions(), ConditionTypes.CONSISTENT));

    var same =
        new CutoverStatusBuilder(raised, 2L, T0.plusSeconds(120))
            .published(10, 0, WriteTarget.Source)
            .ready("10%")
            .build();
    assertEquals("2026-01-01T12:01:00Z", same.getLastStepAt());
    assertFalse(CutoverStatusBuilder.worthWriting(raised, same));
  }

  @Test
  void onlyTheLagTimestampChangingIsNotWorthAWrite() {
    var lag = new LagView(10L, Duration.ofMillis(300), true);
    var a = new CutoverStatusBuilder(null, 1L, T0).lag(lag, T0).ready("x").build();
    var b =
        new CutoverStatusBuilder(a, 1L, T0.plusSeconds(5))
            .lag(lag, T0.plusSeconds(5))
            .ready("x")
            .build();
    assertFalse(CutoverStatusBuilder.worthWriting(a, b));
    var c =
        new CutoverStatusBuilder(b, 1L, T0.plusSeconds(10))
            .lag(new LagView(10L, Duration.ofSeconds(8), true), T0.plusSeconds(10))
            .ready("x")
            .build();
    assertTrue(CutoverStatusBuilder.worthWriting(b, c));
    assertEquals("8.0s", c.getReplicationLag());
  }

  @Test
  void degradedStaysForItsGenerationAndVerificationKeepsTenSampleKeys() {
    var keys = java.util.stream.IntStream.range(0, 25).mapToObj(i -> "public.users:" + i).toList();
    var v = new VerificationView(1, 3, 300, 0, 25, keys, keys, T0);
    var s =
        new CutoverStatusBuilder(null, 3L, T0)
            .verification("cut-compare-1", v, "cut-verification-report")
            .gates(
                GateChecks.replication(Mode.ApplicationDualWrite, null, Duration.ofSeconds(5)),
                GateChecks.consistency(Optional.of(v), "cut-verification-report"))
            .degraded(Reasons.READ_STEP_ROLLED_BACK, "fell back")
            .blocked(Reasons.READ_STEP_ROLLED_BACK, "fell back")
            .build();
    assertEquals(10, s.getVerification().sampleKeys().size());
    assertEquals(25L, s.getVerification().differing());
    assertTrue(CutoverStatusBuilder.degradedFor(s, Reasons.READ_STEP_ROLLED_BACK, 3L));
    assertFalse(CutoverStatusBuilder.degradedFor(s, Reasons.READ_STEP_ROLLED_BACK, 4L));
    var next = new CutoverStatusBuilder(s, 4L, T0.plusSeconds(1)).ready("ok").build();
    assertTrue(
        Conditions.isTrue(next.getConditions(), ConditionTypes.DEGRADED), "carried until cleared");
    assertFalse(Conditions.isTrue(next.getConditions(), ConditionTypes.CONSISTENT));
  }
}
