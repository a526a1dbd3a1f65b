package dev.dovetail.operations;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.LeaderElection;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.RecordingDispatcher.ApiRequest;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas with leader election against one API server: only the Lease holder acts;
 * when it stops, the other takes the Lease and finishes the migration without repeating a step.
 */
class LeaderElectionIT {
  static final String NS = "leader";
  static final String NAME = "rename";
  static final String LEASE_NS = "dovetail-system";
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));

  KubeHarness harness;
  TestDatabase db;
  final AtomicInteger lostLeadership = new AtomicInteger();

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
  void onlyTheLeaderActsAndTheOtherReplicaFinishesTheMigrationOnce() throws Exception {
    UsersTable.create(db, 5_000);
    var a = harness.startReplica(CONFIG, election("replica-a"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "replica-a".equals(holder()));
    var b = harness.startReplica(CONFIG, election("replica-b"));

    harness.jobs().holdNewPods(true); // the backfill Job exists but cannot run yet
    Manifests.create(
        harness.client(), Manifests.rename(NS, NAME, "db", "users", "user_name", "username"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !harness.jobs().jobsStarted().isEmpty());
    Instant expandedAt = expandedAt();
    Thread.sleep(2_000); // several lease renewals and rechecks: replica-b has had every chance
    assertEquals("replica-a", holder(), "replica-a kept the Lease");
    assertTrue(writesBy("replica-a") > 0, "the leader created the Job and wrote status");
    assertEquals(0, writesBy("replica-b"), "the standby wrote nothing but its Lease attempts");

    assertEquals(0, lostLeadership.get(), "nobody lost the Lease while leading");
    harness.stopReplica(a); // the leader's pod terminates
    // An orderly stop reports "stopped leading" too: that is why the image's exit is asynchronous.
    assertEquals(1, lostLeadership.get());
    harness.jobs().holdNewPods(false);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder()));
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

    assertTrue(writesBy("replica-b") > 0, "the new leader did the rest");
    assertEquals(expandedAt, expandedAt(), "the expand DDL ran once, before the takeover");
    String backfillJob = expanded.getStatus().getBackfill().job();
    assertEquals(
        1,
        harness.jobs().jobsStarted().stream().filter(backfillJob::equals).count(),
        "one backfill Job, created once");
    assertEquals(1, harness.jobs().podRuns(NS, backfillJob), "its pod ran once");
    assertEquals(1, db.queryLong("SELECT count(*) FROM dovetail.operations"));
    assertEquals(1, db.queryLong("SELECT count(*) FROM dovetail.backfill_progress"));
    assertEquals(
        5_000, db.queryLong("SELECT rows_done FROM dovetail.backfill_progress"), "no row twice");
    assertEquals(
        0, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail_sync_%'"));
    assertEquals(
        0,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
                + " AND column_name = 'user_name'"),
        "contracted: the old column is gone");
    assertEquals(1, lostLeadership.get(), "replica-b never lost the Lease");
    harness.stopReplica(b);
  }

  private LeaderElectionConfiguration election(String identity) {
    return LeaderElection.configuration(
        LeaderElection.DEFAULT_LEASE_NAME,
        Optional.of(LEASE_NS),
        Optional.of(identity),
        Duration.ofSeconds(3),
        Duration.ofSeconds(2),
        Duration.ofMillis(250),
        lostLeadership::incrementAndGet);
  }

  private String holder() {
    Lease lease =
        harness
            .client()
            .leases()
            .inNamespace(LEASE_NS)
            .withName(LeaderElection.DEFAULT_LEASE_NAME)
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Requests that change something, other than the replica's own Lease traffic. */
  private long writesBy(String identity) {
    return harness.requests().stream()
        .filter(r -> identity.equals(r.userAgent()))
        .filter(r -> !r.method().equals("GET"))
        .filter(r -> !r.path().contains("/leases"))
        .filter(r -> !r.path().contains("selfsubjectrulesreviews"))
        .map(ApiRequest::path)
        .count();
  }

  private Instant expandedAt() throws Exception {
    try (var c = db.connect();
        var rs = c.createStatement().executeQuery("SELECT expanded_at FROM dovetail.operations")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }
}
