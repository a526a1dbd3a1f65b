package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.postgres.ReplicationLag;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.sql.Connection;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pre-checks that hold expand back without running any DDL: an unreachable database (Secret
 * missing, wrong credentials) and a replica that lags beyond the gate. Each ends in Ready=False
 * with a reason and a message naming the field or the measured value, and the user's table is
 * untouched.
 */
class MigrationPreChecksIT {
  static final String NS = "prechecks";

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 5_000);
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
  void missingSecretIsReportedByFieldAndNothingRuns() {
    Manifests.create(
        harness.client(),
        Manifests.rename(NS, "no-secret", "nope", "users", "user_name", "username"));
    String message = readyMessage("no-secret", Reasons.DATABASE_UNREACHABLE);
    assertTrue(
        message.contains("spec.database.secretRef: Secret nope not found in namespace " + NS),
        message);
    assertUntouched();
  }

  @Test
  void wrongCredentialsAreReportedWithoutThePassword() {
    String uri = db.uri().replace("postgresql://postgres@", "postgresql://nobody:s3cr3t-pw@");
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "wrong", uri);
    Manifests.create(
        harness.client(),
        Manifests.rename(NS, "bad-login", "wrong", "users", "user_name", "username"));
    String message = readyMessage("bad-login", Reasons.DATABASE_UNREACHABLE);
    assertTrue(
        message.startsWith("spec.database: cannot connect to postgresql://nobody:***@"), message);
    assertFalse(message.contains("s3cr3t-pw"), "the password never reaches status: " + message);
    assertUntouched();
  }

  @Test
  void replicaLagOverTheGateBlocksExpandUntilItRecovers() throws Exception {
    try (Connection replica = TestPostgres.connect(TestPostgres.REPLICA);
        Connection primary = db.connect()) {
      replica.createStatement().execute("SELECT pg_wal_replay_pause()");
      try {
        // The pause is only a request: wait until replay really stopped, or the replica may still
        // replay the mark below and the lag never grows.
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> pauseState(replica).equals("paused"));
        // A WAL mark the paused replica cannot replay: from now on its measured lag grows with
        // time.
        ReplicationLag.measure(primary);
        Thread.sleep(1_500);
        var m = Manifests.rename(NS, "lagging", "db", "users", "user_name", "username");
        m.getSpec().getGates().setMaxReplicationLag("1s");
        Manifests.create(harness.client(), m);

        String message = readyMessage("lagging", Reasons.REPLICATION_LAGGING);
        assertTrue(
            message.matches(
                "replication lag [0-9.]+s exceeds gates.maxReplicationLag 1(\\.0)?s .*"),
            message);
        var blocked = Manifests.get(harness.client(), NS, "lagging");
        assertEquals("Blocked", blocked.getStatus().getPhase());
        assertTrue(
            Conditions.find(blocked.getStatus().getConditions(), ConditionTypes.REPLICATION_HEALTHY)
                .map(c -> "False".equals(c.getStatus()))
                .orElse(false),
            "ReplicationHealthy=False while the replica lags");
        assertUntouched();
      } finally {
        replica.createStatement().execute("SELECT pg_wal_replay_resume()");
      }
    }
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "lagging",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
  }

  @Test
  void replicaLagDuringBackfillThrottlesWithinOneBatchAndResumes() throws Exception {
    db.execute(
        "INSERT INTO users (user_name) SELECT 'more-' || g FROM generate_series(1, 15000) g");
    var m = Manifests.rename(NS, "throttled", "db", "users", "user_name", "username");
    m.getSpec().getGates().setMaxReplicationLag("1s");
    m.getSpec().getBackfill().setInitialBatchSize(200);
    m.getSpec().getBackfill().setMaxBatchSize(200);
    m.getSpec().getBackfill().setPauseBetweenBatches("100ms");
    Manifests.create(harness.client(), m);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> rowsDone("throttled") > 0);
    try (Connection replica = TestPostgres.connect(TestPostgres.REPLICA)) {
      replica.createStatement().execute("SELECT pg_wal_replay_pause()");
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> pauseState(replica).equals("paused"));
        // The worker measures lag before every batch: it stops as soon as the lag is over 1s.
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> db.queryString(throttledSql("throttled")) != null);
        String reason = db.queryString(throttledSql("throttled"));
        assertTrue(reason.matches("replication lag [0-9.]+s > gate 1\\.0s"), reason);
        long atThrottle = rowsDone("throttled");
        assertTrue(atThrottle < 20_000, "throttled before the backfill ended: " + atThrottle);
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () ->
                    Conditions.find(
                            Manifests.get(harness.client(), NS, "throttled")
                                .getStatus()
                                .getConditions(),
                            ConditionTypes.PROGRESSING)
                        .map(c -> c.getMessage().contains("; throttled: replication lag"))
                        .orElse(false));
        Thread.sleep(2_000);
        assertTrue(
            rowsDone("throttled") - atThrottle <= 200,
            "at most the batch in flight ran while throttled: "
                + atThrottle
                + " then "
                + rowsDone("throttled"));
      } finally {
        replica.createStatement().execute("SELECT pg_wal_replay_resume()");
      }
    }
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "throttled",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
    assertEquals(null, db.queryString(throttledSql("throttled")), "resumed by itself");
  }

  private long rowsDone(String name) {
    return db.queryLong(
        "SELECT coalesce(sum(rows_done), 0) FROM dovetail.backfill_progress WHERE migration = '"
            + NS
            + "/"
            + name
            + "'");
  }

  private static String throttledSql(String name) {
    return "SELECT max(throttled) FROM dovetail.backfill_progress WHERE migration = '"
        + NS
        + "/"
        + name
        + "'";
  }

  @Test
  void dryRunShowsThePlanRunsNothingAndProceedsWhenTurnedOff() {
    var m = Manifests.rename(NS, "dry", "db", "users", "user_name", "username");
    m.getSpec().setDryRun(true);
    Manifests.create(harness.client(), m);
    String message = readyMessage("dry", Reasons.DRY_RUN);
    var dry = Manifests.get(harness.client(), NS, "dry");
    dev.dovetail.testing.StatusFixtures.record("databasemigration-dry-run", dry);
    var planned = dry.getStatus();
    assertEquals("Planned", planned.getPhase());
    assertFalse(planned.getPlan().isEmpty(), "the plan is in status");
    assertTrue(
        planned.getPlan().stream()
            .anyMatch(p -> p.sql().contains("\"username\"") && p.lock() != null),
        "every statement with its lock: " + planned.getPlan());
    assertTrue(
        message.startsWith("spec.dryRun is true: " + planned.getPlan().size() + " statement(s)"),
        message);
    assertUntouched();

    Manifests.editSpec(harness.client(), NS, "dry", s -> s.setDryRun(false));
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "dry",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
  }

  private static String pauseState(Connection replica) throws java.sql.SQLException {
    try (var s = replica.createStatement();
        var rs = s.executeQuery("SELECT pg_get_wal_replay_pause_state()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private String readyMessage(String name, String reason) {
    var m =
        awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            name,
            ConditionTypes.READY,
            "False",
            reason,
            Duration.ofSeconds(30));
    return Conditions.find(m.getStatus().getConditions(), ConditionTypes.READY)
        .orElseThrow()
        .getMessage();
  }

  private void assertUntouched() {
    assertEquals(
        0,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND"
                + " column_name = 'username'"),
        "no column was added");
    assertEquals(
        0,
        db.queryLong("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"),
        "no trigger was installed");
  }
}
