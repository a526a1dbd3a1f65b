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
import dev.dovetail.testing.LockWaiters;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backfill's database-load throttle: sessions queued behind a lock on an unrelated table push
 * the lock waits over gates.maxLockWaits; the worker stops within one batch, status names the
 * measured number and the field, and the backfill resumes by itself once the lock is released.
 */
class MigrationLoadThrottleIT {
  static final String NS = "load";
  static final int BATCH = 200;

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 5_000);
    db.execute(
        "INSERT INTO users (user_name) SELECT 'more-' || g FROM generate_series(1, 15000) g");
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
  void lockWaitsOverTheGateThrottleWithinOneBatchAndResume() throws Exception {
    var m = Manifests.rename(NS, "busy", "db", "users", "user_name", "username");
    m.getSpec().getGates().setMaxLockWaits(2);
    m.getSpec().getBackfill().setInitialBatchSize(BATCH);
    m.getSpec().getBackfill().setMaxBatchSize(BATCH);
    m.getSpec().getBackfill().setPauseBetweenBatches("100ms");
    Manifests.create(harness.client(), m);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> rowsDone() > 0);

    String expected = "database load: 3 backends waiting on locks > gates.maxLockWaits 2";
    try (var waiters = new LockWaiters(db, "unrelated", 3)) {
      long atLoad = rowsDone();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> throttled() != null);
      assertEquals(expected, throttled());
      long atThrottle = rowsDone();
      assertTrue(atThrottle < 20_000, "throttled before the backfill ended: " + atThrottle);
      assertTrue(
          atThrottle - atLoad <= BATCH,
          "at most the batch in flight ran after the load appeared: "
              + atLoad
              + " then "
              + atThrottle);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> progressingMessage().contains("; throttled: " + expected));
      Thread.sleep(2_000);
      assertEquals(atThrottle, rowsDone(), "no batch runs while throttled");
      assertEquals(3, waiters.waiting(), "the load is still there");
    }
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "busy",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
    assertEquals(null, throttled(), "resumed by itself");
    assertEquals(
        0,
        db.queryLong("SELECT count(*) FROM users WHERE username IS DISTINCT FROM user_name"),
        "every row backfilled after the resume");
  }

  private String progressingMessage() {
    return Conditions.find(
            Manifests.get(harness.client(), NS, "busy").getStatus().getConditions(),
            ConditionTypes.PROGRESSING)
        .map(c -> c.getMessage())
        .orElse("");
  }

  private long rowsDone() {
    return db.queryLong(
        "SELECT coalesce(sum(rows_done), 0) FROM dovetail.backfill_progress WHERE migration = '"
            + NS
            + "/busy'");
  }

  private String throttled() {
    return db.queryString(
        "SELECT max(throttled) FROM dovetail.backfill_progress WHERE migration = '"
            + NS
            + "/busy'");
  }
}
