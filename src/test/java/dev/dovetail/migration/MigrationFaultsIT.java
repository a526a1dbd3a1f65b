package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DropIndex;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.testing.AppWorkload;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.SchemaSnapshot;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults the foundation must survive: a killed worker, a restarted operator (also one that died
 * inside a contract), a lock blocker.
 */
class MigrationFaultsIT {
  static final String NS = "faults";
  static final String NAME = "rename";

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
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
  void killedBackfillWorkerResumesFromItsCheckpoint() throws Exception {
    UsersTable.create(db, 100_000);
    var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
    m.getSpec().getBackfill().setInitialBatchSize(500);
    m.getSpec().getBackfill().setMaxBatchSize(500); // many small batches: time to kill one
    Manifests.create(harness.client(), m);

    Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> progressRows() >= 5_000);
    long killedAt = progressRows();
    assertEquals(
        1,
        db.queryLong(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND application_name = '"
                + BACKFILL_APPLICATION
                + "'"),
        "the backfill worker's backend was found and killed");

    var done =
        awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            NAME,
            ConditionTypes.READY,
            "True",
            Reasons.EXPANDED,
            Duration.ofMinutes(3));
    String job = done.getStatus().getBackfill().job();
    assertEquals(2, harness.jobs().podRuns(NS, job), "the Job ran a second pod after the kill");
    assertTrue(killedAt < 100_000);
    assertEquals(
        100_000,
        done.getStatus().getBackfill().rowsDone(),
        "resumed from the checkpoint: no batch counted twice, none skipped");
    assertEquals(
        0, db.queryLong("SELECT count(*) FROM users WHERE username IS DISTINCT FROM user_name"));
  }

  @Test
  void restartedOperatorContinuesWithoutRepeatingASteps() throws Exception {
    UsersTable.create(db, 20_000);
    harness.jobs().holdNewPods(true); // the backfill Job is created but cannot start yet
    Manifests.create(
        harness.client(), Manifests.rename(NS, NAME, "db", "users", "user_name", "username"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !harness.jobs().jobsStarted().isEmpty());
    Instant expandedAt = expandedAt();

    harness.stopOperator();
    harness.jobs().holdNewPods(false);
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));

    var done =
        awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            NAME,
            ConditionTypes.READY,
            "True",
            Reasons.EXPANDED,
            Duration.ofMinutes(2));
    assertEquals(expandedAt, expandedAt(), "expand DDL was not run again by the new operator");
    assertEquals(
        1, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail_sync_%'"));
    String backfillJob = done.getStatus().getBackfill().job();
    assertEquals(
        1,
        harness.jobs().jobsStarted().stream().filter(backfillJob::equals).count(),
        "one backfill Job, created once");
    assertEquals(1, harness.jobs().podRuns(NS, backfillJob));
  }

  /**
   * The operator dies after DROP INDEX CONCURRENTLY ran but before it recorded the contract (state
   * contracting, its intent): the spec reverted to Expand meanwhile brings the index back.
   */
  @Test
  void dropIndexInterruptedBeforeItsRecordIsRebuiltWhenTheSpecGoesBackToExpand() throws Exception {
    UsersTable.create(db, 2_000);
    db.execute("CREATE INDEX users_name_lower ON users (lower(user_name)) WHERE id > 10");
    var before = SchemaSnapshot.of(db, "users");
    var m =
        Manifests.migration(NS, NAME, "db", Operation.dropIndex(new DropIndex("users_name_lower")));
    m.getSpec().setCleanupAfter("1h");
    Manifests.create(harness.client(), m);
    await(Reasons.EXPANDED);
    Manifests.editSpec(harness.client(), NS, NAME, s -> s.setPhase(MigrationPhase.Contract));
    await(Reasons.CLEANUP_PENDING);
    assertEquals(
        0, db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'users_name_lower'"));

    harness.stopOperator();
    db.execute(
        "UPDATE dovetail.operations SET state = 'contracting', step = 0, contracted_at = NULL");
    Manifests.editSpec(harness.client(), NS, NAME, s -> s.setPhase(MigrationPhase.Expand));
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));
    await(Reasons.EXPANDED);
    assertEquals(before, SchemaSnapshot.of(db, "users"), "the index is back, valid and ready");
  }

  private DatabaseMigration await(String reason) {
    return awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        NAME,
        ConditionTypes.READY,
        "True",
        reason,
        Duration.ofMinutes(1));
  }

  @Test
  void lockBlockerMakesDdlRetryWhileApplicationsKeepRunning() throws Exception {
    UsersTable.create(db, 20_000);
    var observedBlocked = new AtomicReference<String>();
    try (Connection blocker = db.connect();
        var app = new AppWorkload("app", db.uri(), "user_name", 20_000, 1).start()) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("SELECT count(*) FROM users"); // holds ACCESS SHARE
      int blockerPidValue = blockerPid(blocker);
      Thread.sleep(300);
      var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
      m.getSpec().getDdl().setLockTimeout("200ms");
      m.getSpec().getDdl().setMaxAttempts(3);
      Manifests.create(harness.client(), m);

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                var current = Manifests.get(harness.client(), NS, NAME);
                if (current.getStatus() == null) {
                  return false;
                }
                return current.getStatus().getConditions().stream()
                    .filter(c -> Reasons.LOCK_TIMEOUT.equals(c.getReason()))
                    .peek(c -> observedBlocked.set(c.getMessage()))
                    .findAny()
                    .isPresent();
              });
      Thread.sleep(4_000); // the blocker keeps its lock for a while; DDL keeps retrying
      blocker.commit();

      awaitCondition(
          harness.client(),
          DatabaseMigration.class,
          NS,
          NAME,
          ConditionTypes.READY,
          "True",
          Reasons.EXPANDED,
          Duration.ofMinutes(2));
      app.stop();
      System.out.printf("[MigrationFaultsIT] blocked message: %s%n", observedBlocked.get());
      System.out.printf(
          "[MigrationFaultsIT] application: %d statements, longest %d ms, %d failed%n",
          app.statements(), app.longestStatement().toMillis(), app.failures().size());
      assertTrue(
          observedBlocked.get().contains("pid " + blockerPidValue),
          "status names the blocking backend: " + observedBlocked.get());
      assertEquals(java.util.List.of(), app.failures());
      assertTrue(
          app.longestStatement().compareTo(Duration.ofMillis(1_500)) < 0,
          "the application's longest stall is bounded by lock_timeout (200ms), not by the 4s+ blocker: "
              + app.longestStatement().toMillis()
              + " ms");
    }
  }

  /**
   * A session holding ACCESS EXCLUSIVE (a user's long ALTER TABLE or VACUUM FULL, or a forgotten
   * LOCK TABLE): the operator's catalog reads (pg_get_expr, pg_relation_size open the table) must
   * not queue behind it for as long as it lasts. Status says who holds the lock while it is held,
   * nothing changes, and expand runs once it is gone.
   */
  @Test
  void anAccessExclusiveHolderIsNamedAndHoldsNoReconcile() throws Exception {
    UsersTable.create(db, 5_000);
    var seen = new AtomicReference<String>();
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      int holderPid = blockerPid(holder);
      Manifests.create(
          harness.client(), Manifests.rename(NS, NAME, "db", "users", "user_name", "username"));
      var held =
          awaitCondition(
              harness.client(),
              DatabaseMigration.class,
              NS,
              NAME,
              ConditionTypes.PROGRESSING,
              "False",
              Reasons.LOCK_TIMEOUT,
              Duration.ofSeconds(60));
      seen.set(
          dev.dovetail.kube.Conditions.find(
                  held.getStatus().getConditions(), ConditionTypes.PROGRESSING)
              .orElseThrow()
              .getMessage());
      System.out.printf("[MigrationFaultsIT] while locked: %s%n", seen.get());
      assertTrue(
          seen.get().contains("ACCESS EXCLUSIVE public.users held by pid " + holderPid),
          seen.get());
      assertEquals(
          "idle in transaction",
          db.queryString("SELECT state FROM pg_stat_activity WHERE pid = " + holderPid),
          "the lock is still held while status names it");
      // Read from the catalog tables directly: SchemaSnapshot's pg_get_expr would wait for the lock
      // this very thread holds.
      assertEquals(
          0,
          db.queryLong(
              "SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND"
                  + " attname = 'username') + (SELECT count(*) FROM pg_trigger WHERE tgrelid ="
                  + " 'users'::regclass)"),
          "no DDL ran: no new column, no trigger");
      holder.rollback();
    }
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        NAME,
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
  }

  static final String BACKFILL_APPLICATION = "dovetail-backfill";

  private long progressRows() {
    try {
      return db.queryLong("SELECT coalesce(sum(rows_done), 0) FROM dovetail.backfill_progress");
    } catch (IllegalStateException e) {
      return 0; // the bookkeeping schema does not exist yet
    }
  }

  private Instant expandedAt() throws Exception {
    try (var c = db.connect();
        var rs = c.createStatement().executeQuery("SELECT expanded_at FROM dovetail.operations")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static int blockerPid(Connection c) throws Exception {
    try (var rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
