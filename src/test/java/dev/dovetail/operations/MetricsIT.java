package dev.dovetail.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.metrics.MetricFamily;
import dev.dovetail.metrics.Metrics;
import dev.dovetail.testing.DeployManifests;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.OperatorProcess;
import dev.dovetail.testing.StatusAssertions;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /q/metrics of the packaged operator while it runs a real migration: the exposition's HELP and
 * TYPE lines, the backfill, verification, lag, gate and ready series labelled with the resource,
 * values equal to what the status says, a reconcile error counted when the database refuses the
 * operator's role, and the series of a deleted migration gone.
 */
class MetricsIT {
  static final String NS = "metrics";
  static final int ROWS = 3_000;
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final String LABELS = "kind=\"DatabaseMigration\",namespace=\"metrics\",name=\"rename\"";

  KubeHarness harness;
  TestDatabase db;
  OperatorProcess operator;
  final String role = "dt_noddl_" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    harness = new KubeHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (operator != null) {
      operator.close();
    }
    harness.close();
    db.close();
    try (var c = TestPostgres.connect(TestPostgres.PRIMARY)) {
      c.createStatement().execute("DROP ROLE IF EXISTS " + role);
    }
  }

  @Test
  void theScrapeShowsWhatStatusSaysLabelledByResource() throws Exception {
    UsersTable.create(db, ROWS);
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
    operator = OperatorProcess.start(harness, "metrics", Map.of());

    String empty = scrape();
    for (MetricFamily f : Metrics.FAMILIES) {
      assertTrue(empty.contains("# HELP " + f.name() + " "), f.name());
      assertTrue(empty.contains("# TYPE " + f.name() + " " + f.type() + "\n"), f.name());
    }

    Manifests.create(
        harness.client(), Manifests.rename(NS, "rename", "db", "users", "user_name", "username"));
    DatabaseMigration expanded =
        StatusAssertions.awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            "rename",
            ConditionTypes.READY,
            "True",
            Reasons.EXPANDED,
            TIMEOUT);
    var status = expanded.getStatus();
    // The operator records metrics on the pass that computes a status; the status read above may
    // be one pass older than the scrape, so compare fields that no longer change once expanded.
    Map<String, Double> samples = samples(scrape());
    assertEquals(ROWS, value(samples, "dovetail_backfill_rows_done{" + LABELS + "}"));
    assertEquals(
        (double) status.getBackfill().rowsTotal(),
        value(samples, "dovetail_backfill_rows_planned{" + LABELS + "}"));
    assertEquals(
        (double) status.getBackfill().rowsUpdated(),
        value(samples, "dovetail_backfill_rows_updated{" + LABELS + "}"));
    assertTrue(value(samples, "dovetail_backfill_rows_per_second{" + LABELS + "}") > 0);
    assertEquals(0, value(samples, "dovetail_backfill_throttled{" + LABELS + "}"));
    assertEquals(ROWS, value(samples, "dovetail_verification_rows_checked{" + LABELS + "}"));
    assertEquals(0, value(samples, "dovetail_verification_rows_pending{" + LABELS + "}"));
    assertEquals(0, value(samples, "dovetail_verification_mismatches{" + LABELS + "}"));
    assertEquals(1, value(samples, "dovetail_gate_open{" + LABELS + ",gate=\"BackfillComplete\"}"));
    assertEquals(1, value(samples, "dovetail_gate_open{" + LABELS + ",gate=\"Verified\"}"));
    assertEquals(
        1, value(samples, "dovetail_gate_open{" + LABELS + ",gate=\"ReplicationHealthy\"}"));
    assertEquals(1, value(samples, "dovetail_ready{" + LABELS + "}"));
    double lag = value(samples, "dovetail_replication_lag_seconds{" + LABELS + "}");
    assertTrue(lag >= 0 && lag < 60, "replica lag of the local streaming replica: " + lag);
    assertEquals(
        0, value(samples, "dovetail_reconcile_errors_total{controller=\"databasemigration\"}"));

    // A database role that may not create the bookkeeping schema: the reconcile throws, JOSDK
    // retries, and the error counter of that controller rises.
    db.execute("CREATE ROLE " + role + " LOGIN");
    String denied = db.uri().replace("//postgres@", "//" + role + "@");
    Manifests.namespaceWithDatabaseSecret(harness.client(), "denied", "db", denied);
    Manifests.create(
        harness.client(), Manifests.rename("denied", "rename", "db", "users", "username", "login"));
    Awaitility.await()
        .atMost(TIMEOUT)
        .until(
            () ->
                samples(scrape())
                        .getOrDefault(
                            "dovetail_reconcile_errors_total{controller=\"databasemigration\"}",
                            0.0)
                    >= 1);

    harness.client().resources(DatabaseMigration.class).inNamespace(NS).withName("rename").delete();
    Awaitility.await()
        .atMost(TIMEOUT)
        .until(() -> Manifests.get(harness.client(), NS, "rename") == null);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !scrape().contains("namespace=\"metrics\""));
    assertFalse(scrape().contains(LABELS), "the deleted migration's series are gone");
  }

  private String scrape() throws Exception {
    // The path deploy/metrics-service.yaml tells Prometheus to scrape, so the manifest is tested
    // too.
    var response = operator.get(DeployManifests.metricsPath());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    return response.body();
  }

  /** Sample lines by series (name and labels as exposed) to value. */
  private static Map<String, Double> samples(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static double value(Map<String, Double> samples, String series) {
    Double v = samples.get(series);
    if (v == null) {
      throw new AssertionError("no sample " + series + " in " + samples.keySet());
    }
    return v;
  }
}
