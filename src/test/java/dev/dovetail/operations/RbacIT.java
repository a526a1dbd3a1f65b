package dev.dovetail.operations;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.SnapshotSettings;
import dev.dovetail.api.v1alpha1.VolumeSnapshotSettings;
import dev.dovetail.kube.LeaderElection;
import dev.dovetail.testing.ApiAccess;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.RecordingDispatcher;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/rbac.yaml checked against what the operator really calls. One operator replica with leader
 * election on its own client (its User-Agent tells its requests from the test's and the in-process
 * kubelet's) runs a migration to Contracted and deletes it, rolls a second one back by deleting it
 * while expanded, expands a third one behind a VolumeSnapshot, and reconciles a DualWriteCutover.
 * Every request it made, mapped to RBAC's (API group, resource, verb), must be granted by the
 * ClusterRole; every grant must have been used, or be listed below with the reason it is needed
 * although this run does not exercise it.
 */
class RbacIT {
  static final String NS = "rbac";
  static final String OPERATOR = "dovetail-operator-0";
  static final String LEASE_NS = "dovetail-system";
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));

  /**
   * Granted to every authenticated user by Kubernetes' default ClusterRoles, so not in rbac.yaml:
   * JOSDK asks what it may do with Leases before it starts leader election (system:basic-user).
   */
  static final Set<ApiAccess> DEFAULT_GRANTS =
      Set.of(new ApiAccess("authorization.k8s.io", "selfsubjectrulesreviews", "create"));

  /** Granted, not exercised here, and why the operator needs it anyway. */
  static final Map<ApiAccess, String> GRANTED_NOT_EXERCISED =
      Map.ofEntries(
          reason(
              "dovetail.dev",
              "dualwritecutovers",
              "patch",
              "the cutover reconciler being written cleans up on delete through a finalizer"),
          reason(
              "dovetail.dev",
              "dualwritecutovers",
              "get",
              "JOSDK re-reads the resource when its finalizer patch conflicts"),
          reason(
              "dovetail.dev",
              "databasemigrations",
              "get",
              "JOSDK re-reads the resource when its finalizer patch conflicts (409), which the"
                  + " mock server does not provoke"),
          reason(
              "dovetail.dev",
              "databasemigrations/finalizers",
              "update",
              "Jobs set blockOwnerDeletion; OwnerReferencesPermissionEnforcement checks it, the"
                  + " mock server does not"),
          reason(
              "dovetail.dev",
              "dualwritecutovers/finalizers",
              "update",
              "copy and compare Jobs set blockOwnerDeletion (see databasemigrations/finalizers)"),
          reason(
              "coordination.k8s.io",
              "leases",
              "update",
              "JOSDK will not start leader election without it (its SelfSubjectRulesReview check"
                  + " wants get, create, update); the renewals themselves are patches"),
          configMaps("get"),
          configMaps("list"),
          configMaps("watch"),
          configMaps("create"),
          configMaps("update"),
          configMaps("patch"),
          configMaps("delete"));

  KubeHarness harness;
  TestDatabase db;
  TestDatabase source;
  TestDatabase target;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    source = TestPostgres.newPrimaryDatabase();
    target = TestPostgres.newTargetDatabase();
    harness = new KubeHarness();
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
    source.close();
    target.close();
  }

  @Test
  void everyCallTheOperatorMakesIsGrantedAndEveryGrantIsNeeded() throws Exception {
    UsersTable.create(db, 2_000);
    var operator = harness.startReplica(CONFIG, election());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> OPERATOR.equals(holder()));

    // Expand (backfill and verification Jobs), Contract, then delete the contracted resource.
    Manifests.create(
        harness.client(), Manifests.rename(NS, "rename", "db", "users", "user_name", "username"));
    await("rename", Reasons.EXPANDED);
    Manifests.editSpec(harness.client(), NS, "rename", s -> s.setPhase(MigrationPhase.Contract));
    await("rename", Reasons.CONTRACTED);
    deleteAndAwaitGone("rename");

    // Backfill settings changed while its Job waits for a pod: the old Job is deleted by name and
    // one for the new spec created. Then expanded and deleted: the finalizer rolls the expansion
    // back and deletes the migration's Jobs by label.
    harness.jobs().holdNewPods(true);
    Manifests.create(
        harness.client(), Manifests.rename(NS, "rollback", "db", "users", "username", "login"));
    Awaitility.await().atMost(TIMEOUT).until(() -> harness.jobs().jobsStarted().size() == 3);
    Manifests.editSpec(
        harness.client(), NS, "rollback", s -> s.getBackfill().setInitialBatchSize(500));
    Awaitility.await().atMost(TIMEOUT).until(() -> harness.jobs().jobsStarted().size() == 4);
    harness.jobs().holdNewPods(false);
    await("rollback", Reasons.EXPANDED);
    deleteAndAwaitGone("rollback");
    assertEquals(
        0,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
                + " AND column_name = 'login'"),
        "the deleted migration's expansion was rolled back");

    // spec.snapshot.volumeSnapshot: created, read back until readyToUse, then expanded.
    Manifests.persistentVolumeClaim(harness.client(), NS, "pg-data");
    var snap = Manifests.rename(NS, "snap", "db", "users", "username", "handle");
    snap.getSpec()
        .setSnapshot(SnapshotSettings.volumeSnapshot(new VolumeSnapshotSettings("pg-data", null)));
    Manifests.create(harness.client(), snap);
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "snap",
        ConditionTypes.PROGRESSING,
        "True",
        Reasons.SNAPSHOT_PENDING,
        TIMEOUT);
    harness
        .client()
        .genericKubernetesResources(
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup("snapshot.storage.k8s.io")
                .withVersion("v1")
                .withKind("VolumeSnapshot")
                .withPlural("volumesnapshots")
                .withNamespaced(true)
                .build())
        .inNamespace(NS)
        .withName("snap-snapshot-g1")
        .edit(
            r -> {
              r.setAdditionalProperty("status", Map.of("readyToUse", true));
              return r;
            });
    await("snap", Reasons.EXPANDED);

    // A DualWriteCutover, reconciled to a status for its generation.
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "source-db", source.uri());
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "target-db", target.uri());
    try (InputStream in = Files.newInputStream(Path.of("samples/dualwritecutover.yaml"))) {
      harness
          .client()
          .load(in)
          .inNamespace(NS)
          .resources()
          .filter(r -> r.item() instanceof DualWriteCutover)
          .forEach(r -> r.create());
    }
    Awaitility.await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              var c =
                  harness
                      .client()
                      .resources(DualWriteCutover.class)
                      .inNamespace(NS)
                      .withName("move-shop")
                      .get();
              return c.getStatus() != null
                  && c.getMetadata().getGeneration().equals(c.getStatus().getObservedGeneration());
            });
    harness.stopReplica(operator);

    List<ResourceRule> rules = RecordingDispatcher.operatorRules();
    Set<ApiAccess> used = operatorAccesses();
    assertTrue(used.size() > 10, "the recording saw the operator's requests: " + used);
    Set<String> denied =
        used.stream()
            .filter(a -> !a.grantedBy(rules) && !DEFAULT_GRANTS.contains(a))
            .map(ApiAccess::toString)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), denied, "called by the operator but not granted by deploy/rbac.yaml");

    Set<String> listedButNotGranted =
        GRANTED_NOT_EXERCISED.keySet().stream()
            .filter(a -> !a.grantedBy(rules))
            .map(ApiAccess::toString)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), listedButNotGranted, "listed here as granted, but not in rbac.yaml");

    Set<String> unused =
        rules.stream()
            .flatMap(r -> ApiAccess.spelledOut(r).stream())
            .filter(g -> !used.contains(g) && !GRANTED_NOT_EXERCISED.containsKey(g))
            .map(ApiAccess::toString)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        Set.of(),
        unused,
        "granted by deploy/rbac.yaml but never called, and not listed with a reason; used: "
            + new TreeSet<>(used.stream().map(ApiAccess::toString).toList()));
  }

  private static Map.Entry<ApiAccess, String> reason(
      String group, String resource, String verb, String why) {
    return Map.entry(new ApiAccess(group, resource, verb), why);
  }

  private static Map.Entry<ApiAccess, String> configMaps(String verb) {
    return reason(
        "",
        "configmaps",
        verb,
        "the DualWriteCutover flag ConfigMap (FlagPublisher), wired by the reconciler rewrite");
  }

  private Set<ApiAccess> operatorAccesses() {
    Set<ApiAccess> used = new LinkedHashSet<>();
    for (var r : harness.requests()) {
      if (OPERATOR.equals(r.userAgent())) {
        ApiAccess.of(r.method(), r.path()).ifPresent(used::add);
      }
    }
    return used;
  }

  private void await(String name, String reason) {
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        name,
        ConditionTypes.READY,
        "True",
        reason,
        TIMEOUT);
  }

  private void deleteAndAwaitGone(String name) {
    harness.client().resources(DatabaseMigration.class).inNamespace(NS).withName(name).delete();
    Awaitility.await()
        .atMost(TIMEOUT)
        .until(() -> Manifests.get(harness.client(), NS, name) == null);
  }

  private static io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration election() {
    return LeaderElection.configuration(
        LeaderElection.DEFAULT_LEASE_NAME,
        Optional.of(LEASE_NS),
        Optional.of(OPERATOR),
        Duration.ofSeconds(3),
        Duration.ofSeconds(2),
        Duration.ofMillis(250),
        () -> {});
  }

  private String holder() {
    var lease =
        harness
            .client()
            .leases()
            .inNamespace(LEASE_NS)
            .withName(LeaderElection.DEFAULT_LEASE_NAME)
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }
}
