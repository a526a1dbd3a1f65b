package dev.dovetail.operations;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Labels;
import dev.dovetail.testing.AppWorkload;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's pod is stopped (a rollout, a node drain) while a backfill Job runs: the Job is not
 * the operator's process, so it must survive the shutdown and keep working, and the next operator
 * must adopt it (same Job, same pod, same checkpoint row) instead of starting the work over.
 */
class GracefulShutdownIT {
  static final String NS = "shutdown";
  static final String NAME = "rename";
  static final long ROWS = 40_000;
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    harness = new KubeHarness();
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void backfillJobOutlivesTheOperatorAndIsAdoptedByTheNextOne() throws Exception {
    UsersTable.create(db, ROWS);
    harness.startOperator(CONFIG);
    try (var oldApp = new AppWorkload("old-app", db.uri(), "user_name", ROWS, 1).start()) {
      var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
      // 80 small batches with a pause between them: the backfill lasts several seconds, long
      // enough to stop the operator in the middle of it.
      m.getSpec().getBackfill().setInitialBatchSize(500);
      m.getSpec().getBackfill().setMaxBatchSize(500);
      m.getSpec().getBackfill().setPauseBetweenBatches("100ms");
      Manifests.create(harness.client(), m);

      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> rowsDone() >= 2_000);
      Job before = backfillJob();
      Instant checkpointStarted = checkpointStartedAt();

      harness.stopOperator();
      long rowsAtStop = rowsDone();
      assertTrue(rowsAtStop < ROWS, "stopped in the middle of the backfill: " + rowsAtStop);

      Job during = backfillJob();
      assertEquals(
          before.getMetadata().getUid(),
          during.getMetadata().getUid(),
          "the operator's shutdown left the Job in place");
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rowsDone() >= rowsAtStop + 2_000);
      long rowsWhileStopped = rowsDone();
      assertTrue(rowsWhileStopped < ROWS, "still running when the operator comes back");

      harness.startOperator(CONFIG);
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
      oldApp.stop();

      String job = expanded.getStatus().getBackfill().job();
      assertEquals(before.getMetadata().getName(), job, "status names the Job that survived");
      assertEquals(
          before.getMetadata().getUid(),
          backfillJob().getMetadata().getUid(),
          "the same Job object");
      assertEquals(
          1,
          harness.jobs().jobsStarted().stream().filter(job::equals).count(),
          "the backfill Job was created once");
      assertEquals(1, harness.jobs().podRuns(NS, job), "its pod ran once, through the shutdown");
      assertEquals(
          List.of(),
          harness.requests().stream()
              .filter(r -> r.method().equals("DELETE") && r.path().contains("/jobs"))
              .toList(),
          "nothing deleted a Job");
      assertEquals(1, db.queryLong("SELECT count(*) FROM dovetail.backfill_progress"));
      assertEquals(
          checkpointStarted, checkpointStartedAt(), "the checkpoint row was kept, not restarted");
      // The application inserts while the backfill runs, so the scan may see a few more rows than
      // it started with, but a batch counted twice would push it past the table's row count.
      long rowsDone = expanded.getStatus().getBackfill().rowsDone();
      long rowsInTable = db.queryLong("SELECT count(*) FROM users");
      assertTrue(
          rowsDone >= ROWS && rowsDone <= rowsInTable,
          "every row examined once: " + rowsDone + " of " + rowsInTable);
      assertEquals(
          0, db.queryLong("SELECT count(*) FROM users WHERE username IS DISTINCT FROM user_name"));
      System.out.printf(
          "[GracefulShutdownIT] rows at stop %d, %d while the operator was down, %d examined of"
              + " %d in the table; old-app %d statements, %d failed%n",
          rowsAtStop,
          rowsWhileStopped,
          rowsDone,
          rowsInTable,
          oldApp.statements(),
          oldApp.failures().size());
      assertEquals(List.of(), oldApp.failures(), "the application saw no failed statement");
    }

    try (var newApp = new AppWorkload("new-app", db.uri(), "username", ROWS, 0).start()) {
      Manifests.editSpec(harness.client(), NS, NAME, s -> s.setPhase(MigrationPhase.Contract));
      awaitCondition(
          harness.client(),
          DatabaseMigration.class,
          NS,
          NAME,
          ConditionTypes.READY,
          "True",
          Reasons.CONTRACTED,
          Duration.ofMinutes(2));
      newApp.stop();
      assertEquals(List.of(), newApp.failures(), "the new application version saw no failure");
    }
  }

  /** The one backfill Job of the namespace (the verify Job comes after it). */
  private Job backfillJob() {
    List<Job> jobs =
        harness
            .client()
            .batch()
            .v1()
            .jobs()
            .inNamespace(NS)
            .withLabel(Labels.ROLE, "backfill")
            .list()
            .getItems();
    assertEquals(
        1,
        jobs.size(),
        "one backfill Job: " + jobs.stream().map(j -> j.getMetadata().getName()).toList());
    assertNotNull(jobs.get(0).getMetadata().getUid());
    return jobs.get(0);
  }

  private long rowsDone() {
    try {
      return db.queryLong("SELECT coalesce(sum(rows_done), 0) FROM dovetail.backfill_progress");
    } catch (IllegalStateException e) {
      return 0; // the bookkeeping schema does not exist yet
    }
  }

  private Instant checkpointStartedAt() throws Exception {
    try (var c = db.connect();
        var rs =
            c.createStatement().executeQuery("SELECT started_at FROM dovetail.backfill_progress")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }
}
