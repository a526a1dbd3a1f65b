package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.testing.AppWorkload;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.SchemaSnapshot;
import dev.dovetail.testing.StatusFixtures;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.timeout: an expand that takes longer (a slow backfill) is rolled back by itself while the
 * application runs, says so, and stays rolled back until the spec changes.
 */
class MigrationTimeoutIT {
  static final String NS = "timeout";
  static final String NAME = "slow-rename";
  static final long ROWS = 50_000;

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, ROWS);
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void anExpandOverItsTimeoutIsRolledBackAndStaysSoUntilTheSpecChanges() throws Exception {
    List<String> before = SchemaSnapshot.of(db, "users");
    var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
    m.getSpec().setTimeout("3s");
    // Small batches with a pause: the backfill of 50,000 rows takes far longer than 3 s.
    m.getSpec().getBackfill().setInitialBatchSize(100);
    m.getSpec().getBackfill().setMaxBatchSize(100);
    m.getSpec().getBackfill().setPauseBetweenBatches("100ms");
    try (var app = new AppWorkload("old", db.uri(), "user_name", ROWS, 1).start()) {
      Manifests.create(harness.client(), m);
      var timedOut = await("False", Reasons.EXPAND_TIMED_OUT);
      StatusFixtures.record("databasemigration-expand-timed-out", timedOut);
      String message =
          Conditions.find(timedOut.getStatus().getConditions(), ConditionTypes.READY)
              .orElseThrow()
              .getMessage();
      assertTrue(
          message.startsWith("expand did not finish within spec.timeout 3.0s: every operation is"),
          message);
      assertEquals("TimedOut", timedOut.getStatus().getPhase());
      assertEquals(before, SchemaSnapshot.of(db, "users"), "the schema is as it was");
      assertEquals(
          0L,
          db.queryLong("SELECT count(*) FROM dovetail.table_claims"),
          "the table is free for other migrations");
      assertTrue(
          harness.client().v1().events().inNamespace(NS).list().getItems().stream()
              .anyMatch(
                  e ->
                      Reasons.EXPAND_TIMED_OUT.equals(e.getReason())
                          && "Warning".equals(e.getType())),
          "a Warning Event says so");

      // It does not start again by itself.
      Thread.sleep(2000);
      assertEquals(before, SchemaSnapshot.of(db, "users"), "no second attempt on its own");

      // Changing the spec (no limit now) is the way to try again.
      Manifests.editSpec(
          harness.client(),
          NS,
          NAME,
          s -> {
            s.setTimeout("0s");
            s.getBackfill().setMaxBatchSize(50_000);
            s.getBackfill().setPauseBetweenBatches("0s");
          });
      await("True", Reasons.EXPANDED);
      app.stop();
      assertEquals(List.of(), app.failures(), "application statements that failed");
      assertTrue(app.statements() > 100, "the application ran: " + app.statements());
    }
  }

  private DatabaseMigration await(String status, String reason) {
    return awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        NAME,
        ConditionTypes.READY,
        status,
        reason,
        Duration.ofMinutes(2));
  }
}
