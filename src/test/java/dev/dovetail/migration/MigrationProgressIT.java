package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backfill progress as a person reads it: rows/s and time left in status, quarter-way Events. */
class MigrationProgressIT {
  static final String NS = "progress";
  static final String NAME = "rename";
  static final long ROWS = 20_000;

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, ROWS);
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(200)));
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void aRunningBackfillShowsItsRateAndTimeLeftAndReportsEachQuarter() {
    var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
    m.getSpec().getBackfill().setInitialBatchSize(250);
    m.getSpec().getBackfill().setMaxBatchSize(250);
    m.getSpec().getBackfill().setPauseBetweenBatches("50ms");
    Manifests.create(harness.client(), m);

    List<String> messages = new ArrayList<>();
    DatabaseMigration running = null;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      var now = Manifests.get(harness.client(), NS, NAME);
      var b = now == null || now.getStatus() == null ? null : now.getStatus().getBackfill();
      if (b != null && b.eta() != null && b.rowsDone() > 0) {
        running = now;
        messages.add(
            Conditions.find(now.getStatus().getConditions(), ConditionTypes.PROGRESSING)
                .orElseThrow()
                .getMessage());
        break;
      }
      sleep(100);
    }
    assertTrue(running != null, "a status with an ETA was seen while backfilling");
    var b = running.getStatus().getBackfill();
    assertTrue(b.rowsPerSecond() > 0, "rows/s: " + b);
    assertTrue(
        messages.get(0).matches("backfill Job .*: \\d+ of ~\\d+ rows, \\d+ rows/s, about .+ left"),
        messages.get(0));

    var expanded =
        awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            NAME,
            ConditionTypes.READY,
            "True",
            Reasons.EXPANDED,
            Duration.ofMinutes(2));
    assertEquals(null, expanded.getStatus().getBackfill().eta(), "no ETA once done");
    List<String> quarters =
        harness.client().v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> Reasons.BACKFILL_RUNNING.equals(e.getReason()))
            .map(Event::getMessage)
            .filter(msg -> msg.matches("backfill (25|50|75)%: .*"))
            .toList();
    assertTrue(quarters.size() >= 2, "quarter-way Events: " + quarters);
    assertTrue(quarters.stream().distinct().count() == quarters.size(), "each once: " + quarters);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
