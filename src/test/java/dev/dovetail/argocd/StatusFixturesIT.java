package dev.dovetail.argocd;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.SnapshotSettings;
import dev.dovetail.api.v1alpha1.VolumeSnapshotSettings;
import dev.dovetail.testing.DescribeFixtures;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.StatusFixtures;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import dev.dovetail.testing.WorkerEntryPoint;
import dev.dovetail.worker.WorkerMain;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs a DatabaseMigration through every phase and failure Argo CD can see, against real PostgreSQL
 * and the operator on the mock API server, and records the resource at each one as a fixture for
 * the health checks ({@link StatusFixtures}; {@code ArgoHealthTest} runs the Lua scripts on them).
 * Recording fails when a committed fixture no longer matches what the operator produces.
 */
class StatusFixturesIT {
  static final String NS = "fixtures";
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
  }

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
    db.close();
  }

  private void start(WorkerEntryPoint worker, DovetailConfig config) {
    harness = new KubeHarness(worker);
    harness.startOperator(config);
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "app-db", db.uri());
  }

  private DatabaseMigration await(String name, String type, String status, String reason) {
    return awaitCondition(
        harness.client(), DatabaseMigration.class, NS, name, type, status, reason, TIMEOUT);
  }

  @Test
  void theLifeOfAMigration() {
    UsersTable.create(db, 20_000);
    start(WorkerMain::run, CONFIG);
    var client = harness.client();
    var m = Manifests.rename(NS, "rename", "app-db", "users", "user_name", "username");
    m.getSpec().getBackfill().setInitialBatchSize(200); // ~100 batches: time to look at it
    m.getSpec().getBackfill().setMaxBatchSize(200);
    m.getSpec().getBackfill().setPauseBetweenBatches("100ms");
    Manifests.create(client, m);

    var backfilling = await("rename", ConditionTypes.PROGRESSING, "True", Reasons.BACKFILL_RUNNING);
    StatusFixtures.record("databasemigration-backfilling", backfilling);

    // A second migration on the same table waits for the first one to finish.
    Manifests.create(
        client,
        Manifests.migration(
            NS,
            "second",
            "app-db",
            Operation.createIndex(
                new CreateIndex("users", "users_user_name", List.of("user_name")))));
    StatusFixtures.record(
        "databasemigration-queued", await("second", ConditionTypes.READY, "False", Reasons.QUEUED));
    client.resources(DatabaseMigration.class).inNamespace(NS).withName("second").delete();

    Manifests.editSpec(client, NS, "rename", s -> s.setPaused(true));
    StatusFixtures.record(
        "databasemigration-paused", await("rename", ConditionTypes.READY, "False", Reasons.PAUSED));

    // A new commit the operator has not seen yet: the status describes the previous generation.
    harness.stopOperator();
    Manifests.editSpec(client, NS, "rename", s -> s.setPaused(false));
    var fresh = Manifests.get(client, NS, "rename");
    assertTrue(
        fresh.getStatus().getObservedGeneration() < fresh.getMetadata().getGeneration(),
        "the status is older than the spec");
    StatusFixtures.record("databasemigration-stale-generation", fresh);
    harness.startOperator(CONFIG);

    StatusFixtures.record(
        "databasemigration-expanded",
        await("rename", ConditionTypes.READY, "True", Reasons.EXPANDED));

    Manifests.editSpec(client, NS, "rename", s -> s.setPhase(MigrationPhase.Contract));
    var contracted = await("rename", ConditionTypes.READY, "True", Reasons.CONTRACTED);
    StatusFixtures.record("databasemigration-contracted", contracted);
    // kubectl describe of this moment, for KubectlDescribeTest: the object and its Events so far.
    DescribeFixtures.record("databasemigration-contracted", client, contracted);

    // git revert of the Contract commit after the contract ran: the old column is gone.
    Manifests.editSpec(client, NS, "rename", s -> s.setPhase(MigrationPhase.Expand));
    StatusFixtures.record(
        "databasemigration-contract-irreversible",
        await("rename", ConditionTypes.READY, "False", Reasons.CONTRACT_IRREVERSIBLE));

    Manifests.editSpec(client, NS, "rename", s -> s.setPhase(MigrationPhase.Abandon));
    StatusFixtures.record(
        "databasemigration-abandoned", await("rename", ConditionTypes.READY, "True", null));
  }

  @Test
  void specAndDatabaseProblems() throws Exception {
    UsersTable.create(db, 1_000);
    start(WorkerMain::run, CONFIG);
    var client = harness.client();

    Manifests.create(client, Manifests.rename(NS, "no-table", "app-db", "nope", "a", "b"));
    StatusFixtures.record(
        "databasemigration-invalid-spec",
        await("no-table", ConditionTypes.READY, "False", Reasons.INVALID_SPEC));

    Manifests.create(
        client, Manifests.rename(NS, "no-secret", "absent-db", "users", "user_name", "username"));
    StatusFixtures.record(
        "databasemigration-database-unreachable",
        await("no-secret", ConditionTypes.READY, "False", Reasons.DATABASE_UNREACHABLE));

    var contractFirst =
        Manifests.rename(NS, "contract-first", "app-db", "users", "user_name", "username");
    contractFirst.getSpec().setPhase(MigrationPhase.Contract);
    Manifests.create(client, contractFirst);
    StatusFixtures.record(
        "databasemigration-expand-not-verified",
        await("contract-first", ConditionTypes.READY, "False", Reasons.EXPAND_NOT_VERIFIED));
    assertEquals(
        0,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'username'"),
        "Contract of an operation never expanded ran no DDL");

    try (InputStream in = Files.newInputStream(Path.of("samples/dualwritecutover.yaml"))) {
      client.load(in).inNamespace(NS).resources().forEach(r -> r.createOr(u -> u.update()));
    }
    StatusFixtures.record(
        "dualwritecutover-database-unreachable",
        awaitCondition(
            client,
            DualWriteCutover.class,
            NS,
            "move-shop",
            ConditionTypes.READY,
            "False",
            Reasons.DATABASE_UNREACHABLE,
            TIMEOUT));
  }

  @Test
  void aFailedBackfillJob() {
    UsersTable.create(db, 1_000);
    // The backfill pod exits 1 (e.g. OOM-killed) on every try; the Job reaches its backoff limit.
    WorkerEntryPoint crashingBackfill =
        (args, env) -> args.get(0).equals("backfill") ? 1 : WorkerMain.run(args, env);
    var config = CONFIG;
    start(
        crashingBackfill,
        new DovetailConfig(
            config.workerImage(),
            0,
            config.jobActiveDeadline(),
            config.jobTtlAfterFinished(),
            config.recheckInterval()));
    Manifests.create(
        harness.client(),
        Manifests.rename(NS, "crashing", "app-db", "users", "user_name", "username"));
    StatusFixtures.record(
        "databasemigration-backfill-failed",
        await("crashing", ConditionTypes.READY, "False", Reasons.BACKFILL_FAILED));
  }

  @Test
  void aVerificationMismatch() {
    UsersTable.create(db, 1_000);
    // Someone writes around the sync trigger (session_replication_role = replica skips it) right
    // before verification: the real verifier must find the row that differs.
    WorkerEntryPoint bypassBeforeVerify =
        (args, env) -> {
          if (args.get(0).equals("verify")) {
            db.execute(
                "SET session_replication_role = replica",
                "UPDATE users SET username = 'diverged' WHERE id = 7");
          }
          return WorkerMain.run(args, env);
        };
    start(bypassBeforeVerify, CONFIG);
    Manifests.create(
        harness.client(),
        Manifests.rename(NS, "diverged", "app-db", "users", "user_name", "username"));
    StatusFixtures.record(
        "databasemigration-verification-mismatch",
        await("diverged", ConditionTypes.READY, "False", Reasons.VERIFICATION_MISMATCH));
  }

  @Test
  void aSnapshotThatIsPendingThenFails() {
    UsersTable.create(db, 1_000);
    start(WorkerMain::run, CONFIG);
    var m = Manifests.rename(NS, "snapshotted", "app-db", "users", "user_name", "username");
    m.getSpec()
        .setSnapshot(SnapshotSettings.volumeSnapshot(new VolumeSnapshotSettings("pg-data", null)));
    Manifests.create(harness.client(), m);
    // The PVC is not there yet: held with the field named (Argo CD: Progressing), then created.
    StatusFixtures.record(
        "databasemigration-snapshot-volume-missing",
        await("snapshotted", ConditionTypes.PROGRESSING, "False", Reasons.SNAPSHOT_PENDING));
    Manifests.persistentVolumeClaim(harness.client(), NS, "pg-data");
    StatusFixtures.record(
        "databasemigration-snapshot-pending",
        await("snapshotted", ConditionTypes.PROGRESSING, "True", Reasons.SNAPSHOT_PENDING));
    // What the CSI snapshot controller writes when the storage refuses the snapshot.
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
        .withName("snapshotted-snapshot-g1")
        .edit(
            r -> {
              r.setAdditionalProperty(
                  "status",
                  java.util.Map.of(
                      "readyToUse", false, "error", java.util.Map.of("message", "quota exceeded")));
              return r;
            });
    StatusFixtures.record(
        "databasemigration-snapshot-failed",
        await("snapshotted", ConditionTypes.READY, "False", Reasons.SNAPSHOT_FAILED));
  }
}
