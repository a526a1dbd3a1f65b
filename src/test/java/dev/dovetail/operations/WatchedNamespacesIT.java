package dev.dovetail.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.OperatorProcess;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DOVETAIL_WATCH_NAMESPACES on the packaged operator: with a list, resources in those namespaces
 * are reconciled and one elsewhere is left alone (no status, and the operator never lists or
 * watches the resource across the cluster); empty means every namespace. The migrations are dry
 * runs: a plan in status, nothing done to the database.
 */
class WatchedNamespacesIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  KubeHarness harness;
  TestDatabase db;
  OperatorProcess operator;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 10);
    harness = new KubeHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (operator != null) {
      operator.close();
    }
    harness.close();
    db.close();
  }

  @Test
  void onlyTheListedNamespacesAreReconciled() throws Exception {
    operator =
        OperatorProcess.start(
            harness, "watch-list", Map.of("DOVETAIL_WATCH_NAMESPACES", "team-a,team-b"));
    for (String ns : List.of("team-a", "team-b", "team-c")) {
      dryRun(ns);
    }
    awaitPlanned("team-a");
    awaitPlanned("team-b");
    Thread.sleep(2_000); // several passes of the watched ones: team-c has had every chance
    assertNull(
        Manifests.get(harness.client(), "team-c", "plan").getStatus(),
        "an unwatched namespace is left alone:\n" + operator.output());
    var clusterWide =
        harness.requests().stream()
            .filter(r -> r.path().startsWith("/apis/dovetail.dev/v1alpha1/databasemigrations"))
            .toList();
    assertEquals(List.of(), clusterWide, "no cluster-wide list or watch of DatabaseMigrations");
    assertTrue(
        harness.requests().stream()
            .anyMatch(
                r ->
                    r.path()
                        .startsWith(
                            "/apis/dovetail.dev/v1alpha1/namespaces/team-a/databasemigrations?")),
        "the operator lists/watches the watched namespace");
  }

  @Test
  void emptyMeansEveryNamespace() throws Exception {
    operator = OperatorProcess.start(harness, "watch-all", Map.of("DOVETAIL_WATCH_NAMESPACES", ""));
    dryRun("anywhere");
    awaitPlanned("anywhere");
  }

  private void dryRun(String ns) {
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    DatabaseMigration m = Manifests.rename(ns, "plan", "db", "users", "user_name", "username");
    m.getSpec().setDryRun(true);
    Manifests.create(harness.client(), m);
  }

  private void awaitPlanned(String ns) {
    Awaitility.await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              var m = Manifests.get(harness.client(), ns, "plan");
              return m.getStatus() != null && "Planned".equals(m.getStatus().getPhase());
            });
  }
}
