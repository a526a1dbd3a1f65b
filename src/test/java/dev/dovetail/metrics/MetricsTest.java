package dev.dovetail.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CutoverCopyStatus;
import dev.dovetail.api.v1alpha1.CutoverVerificationStatus;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.kube.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsTest {
  static final String LABELS = "kind=\"DualWriteCutover\",namespace=\"shop\",name=\"move-shop\"";

  @Test
  void everyFamilyHasHelpAndTypeAndErrorCountersStartAtZero() {
    String text = new Metrics().scrape();
    for (MetricFamily f : Metrics.FAMILIES) {
      assertTrue(text.contains("# HELP " + f.name() + " "), f.name());
      assertTrue(text.contains("# TYPE " + f.name() + " " + f.type() + "\n"), f.name());
      assertTrue(f.name().startsWith("dovetail_"), f.name());
      assertEquals(f.type().equals("counter"), f.name().endsWith("_total"), f.name());
    }
    assertTrue(
        text.contains("dovetail_reconcile_errors_total{controller=\"databasemigration\"} 0\n"));
    assertTrue(
        text.contains("dovetail_reconcile_errors_total{controller=\"dualwritecutover\"} 0\n"));
  }

  @Test
  void aCutoversStatusBecomesItsSamplesAndDeletionDropsThem() {
    var metrics = new Metrics();
    var cutover = cutover();
    metrics.recordCutover(cutover);
    String text = metrics.scrape();
    assertLine(text, "dovetail_copy_rows{" + LABELS + "} 500288");
    assertLine(text, "dovetail_copy_ranges_done{" + LABELS + "} 6");
    assertLine(text, "dovetail_copy_ranges_planned{" + LABELS + "} 10");
    assertLine(text, "dovetail_replication_lag_seconds{" + LABELS + "} 1.5");
    assertLine(text, "dovetail_replication_slot_lag_bytes{" + LABELS + "} 4096");
    assertLine(text, "dovetail_verification_chunks{" + LABELS + "} 51");
    assertLine(text, "dovetail_verification_rows_checked{" + LABELS + "} 500288");
    assertLine(text, "dovetail_verification_mismatches{" + LABELS + "} 2");
    assertLine(text, "dovetail_verification_rows_repaired{" + LABELS + "} 3");
    assertLine(text, "dovetail_read_from_target_ratio{" + LABELS + "} 0.1");
    assertLine(text, "dovetail_gate_open{" + LABELS + ",gate=\"ReplicationHealthy\"} 1");
    assertLine(text, "dovetail_gate_open{" + LABELS + ",gate=\"Consistent\"} 0");
    assertLine(text, "dovetail_ready{" + LABELS + "} 0");
    assertFalse(text.contains("gate=\"Ready\""), "Ready is dovetail_ready, not a gate");

    var next = new DualWriteCutoverStatus();
    next.setReadFromTargetPercent(50);
    metrics.recordCutover(cutover, next); // the status just computed, before it is written
    String replaced = metrics.scrape();
    assertLine(replaced, "dovetail_read_from_target_ratio{" + LABELS + "} 0.5");
    assertFalse(replaced.contains("dovetail_copy_rows{"), "a record replaces the whole set");

    metrics.forget(cutover);
    assertFalse(metrics.scrape().contains("move-shop"), "a deleted resource's series are gone");
  }

  @Test
  void reconcileErrorsCountPerControllerThroughTheJosdkHook() {
    var metrics = new Metrics();
    var hook = metrics.reconcileErrorHook();
    hook.failedReconciliation(cutover(), new RuntimeException("x"), java.util.Map.of());
    hook.failedReconciliation(
        cutover(), new RuntimeException("y"), java.util.Map.of("controller.name", "other"));
    String text = metrics.scrape();
    assertLine(text, "dovetail_reconcile_errors_total{controller=\"dualwritecutover\"} 1");
    assertLine(text, "dovetail_reconcile_errors_total{controller=\"other\"} 1");
  }

  @Test
  void labelValuesAndLagTextAreHandledAsTheFormatAndStatusWriteThem() {
    assertEquals("a\\\\b\\\"c\\nd", PrometheusText.escapeLabel("a\\b\"c\nd"));
    assertEquals(Optional.of(0.85), StatusSamples.lagSeconds("850ms"));
    assertEquals(Optional.of(12.3), StatusSamples.lagSeconds("12.3s"));
    assertEquals(Optional.of(250.0), StatusSamples.lagSeconds("4m10s"));
    assertEquals(Optional.of(3720.0), StatusSamples.lagSeconds("1h2m"));
    assertEquals(Optional.empty(), StatusSamples.lagSeconds("no replicas"));
    assertEquals(Optional.empty(), StatusSamples.lagSeconds(null));
    assertEquals("0.25", PrometheusText.number(0.25));
    assertEquals("3", PrometheusText.number(3.0));
    assertEquals("NaN", PrometheusText.number(Double.NaN));
  }

  private static void assertLine(String text, String line) {
    assertTrue(List.of(text.split("\n")).contains(line), "missing line " + line + " in\n" + text);
  }

  private static DualWriteCutover cutover() {
    var c = new DualWriteCutover();
    c.setMetadata(new ObjectMetaBuilder().withNamespace("shop").withName("move-shop").build());
    var s = new DualWriteCutoverStatus();
    s.setCopy(new CutoverCopyStatus("move-shop-copy", 6L, 10L, 500_288L, null));
    s.setReplicationLag("1.5s");
    s.setSlotLagBytes(4096L);
    s.setVerification(
        new CutoverVerificationStatus(
            "move-shop-compare", 1L, 51L, 500_288L, 3L, 2L, List.of(), null, null));
    s.setReadFromTargetPercent(10);
    s.setConditions(
        List.of(
            Conditions.of(ConditionTypes.READY, false, "Running", "m", 1L),
            Conditions.of(ConditionTypes.REPLICATION_HEALTHY, true, "LagBelowGate", "m", 1L),
            Conditions.of(ConditionTypes.CONSISTENT, false, "Differing", "m", 1L)));
    c.setStatus(s);
    return c;
  }
}
