package dev.dovetail.operations;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * when it stops (in order, or killed without a shutdown), the other takes the Lease and finishes
 * the migration without repeating a step.
 */
class LeaderElectionIT {
  static final String NS = "leader";
  static final String NAME = "rename";
  static final String LEASE_NS = "dovetail-system";
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));
  static final Duration LEASE_DURATION = Duration.ofSeconds(3);

  KubeHarness harness;
  TestDatabase db;
  final AtomicInteger lostLeadership = new AtomicInteger();
  final AtomicInteger lostByB = new AtomicInteger();

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
    var a = harness.startReplica(CONFIG, election("replica-a", lostLeadership));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "replica-a".equals(holder()));
    var b = harness.startReplica(CONFIG, election("replica-b", lostLeadership));

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
    // JOSDK builds its elector with releaseOnCancel false: stopping does not release the Lease.
    Lease held = lease();
    assertEquals("replica-a", held.getSpec().getHolderIdentity(), "stopping releases nothing");
    // An orderly stop reports "stopped leading" too: that is why the image's exit is asynchronous.
    assertEquals(1, lostLeadership.get());
    harness.jobs().holdNewPods(false);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder()));
    assertTakenOnlyOnceExpired(held, lease());
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

  /**
   * A killed leader (SIGKILL, a lost node) releases nothing: the Lease still names it, and the
   * standby may take it only once the lease duration has passed since its last renewal.
   */
  @Test
  void aKilledLeadersLeaseIsTakenOnlyOnceItExpiresAndTheMigrationFinishesOnce() throws Exception {
    UsersTable.create(db, 5_000);
    var a = harness.startReplica(CONFIG, election("replica-a", lostLeadership));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "replica-a".equals(holder()));
    var b = harness.startReplica(CONFIG, election("replica-b", lostByB));

    harness.jobs().holdNewPods(true); // the backfill Job exists but cannot run yet
    Manifests.create(
        harness.client(), Manifests.rename(NS, NAME, "db", "users", "user_name", "username"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !harness.jobs().jobsStarted().isEmpty());
    Instant expandedAt = expandedAt();
    assertEquals(0, writesBy("replica-b"), "the standby wrote nothing while replica-a led");

    harness.killReplica(a);
    long answeredA = answered("replica-a");
    Lease held = lease();
    assertEquals(
        "replica-a", held.getSpec().getHolderIdentity(), "a killed leader releases nothing");
    harness.jobs().holdNewPods(false);

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder()));
    assertTakenOnlyOnceExpired(held, lease());

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

    assertEquals(answeredA, answered("replica-a"), "nothing of replica-a was served after it died");
    assertTrue(writesBy("replica-b") > 0, "the new leader did the rest");
    assertEquals(expandedAt, expandedAt(), "the expand DDL ran once, before the kill");
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
        0,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
                + " AND column_name = 'user_name'"),
        "contracted: the old column is gone");
    assertEquals("replica-b", holder());
    assertEquals(0, lostByB.get(), "replica-b never lost the Lease");
    harness.stopReplica(b);
  }

  /**
   * replica-b acquired the Lease no earlier than the lease duration after replica-a's last renewal
   * (both times written by the electors into the Lease, from the one clock of this JVM), and the
   * holder changed once.
   */
  private static void assertTakenOnlyOnceExpired(Lease held, Lease taken) {
    assertEquals(LEASE_DURATION.toSeconds(), (long) held.getSpec().getLeaseDurationSeconds());
    Instant lastRenewal = held.getSpec().getRenewTime().toInstant();
    Instant acquired = taken.getSpec().getAcquireTime().toInstant();
    System.out.printf(
        "replica-a last renewed the Lease at %s, replica-b acquired it at %s: %d ms later (lease"
            + " %s)%n",
        lastRenewal, acquired, Duration.between(lastRenewal, acquired).toMillis(), LEASE_DURATION);
    assertEquals("replica-b", taken.getSpec().getHolderIdentity());
    assertFalse(
        acquired.isBefore(lastRenewal.plus(LEASE_DURATION)),
        "replica-b took the Lease at "
            + acquired
            + ", before replica-a's last renewal "
            + lastRenewal
            + " had expired");
    assertEquals(
        transitions(held) + 1, transitions(taken), "the Lease changed holder once, a to b");
  }

  private LeaderElectionConfiguration election(String identity, AtomicInteger lost) {
    return LeaderElection.configuration(
        LeaderElection.DEFAULT_LEASE_NAME,
        Optional.of(LEASE_NS),
        Optional.of(identity),
        LEASE_DURATION,
        Duration.ofSeconds(2),
        Duration.ofMillis(250),
        lost::incrementAndGet);
  }

  private Lease lease() {
    return harness
        .client()
        .leases()
        .inNamespace(LEASE_NS)
        .withName(LeaderElection.DEFAULT_LEASE_NAME)
        .get();
  }

  private String holder() {
    Lease lease = lease();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static int transitions(Lease lease) {
    Integer n = lease.getSpec().getLeaseTransitions();
    return n == null ? 0 : n;
  }

  /** Requests of this replica the API server served (not refused). */
  private long answered(String identity) {
    return harness.requests().stream()
        .filter(r -> identity.equals(r.userAgent()) && !r.refused())
        .count();
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
