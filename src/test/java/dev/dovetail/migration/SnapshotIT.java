package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.AddColumn;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.PgDumpSettings;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.api.v1alpha1.SnapshotSettings;
import dev.dovetail.api.v1alpha1.VolumeSnapshotSettings;
import dev.dovetail.kube.Conditions;
import dev.dovetail.kube.Labels;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.PgClientTools;
import dev.dovetail.testing.SchemaSnapshot;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.snapshot against real PostgreSQL and the operator on the mock API server. pgDump: the dump
 * Job (the real worker, this machine's pg_dump) writes the affected tables, and only those, to the
 * PVC before the first DDL; the file restores into a scratch database with every row.
 * VolumeSnapshot: the object is created for the generation and expand waits on readyToUse, which
 * the test sets as a CSI snapshotter would; an error in its status stops the migration before any
 * DDL.
 */
class SnapshotIT {
  static final String NS = "snapshots";
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 3_000);
    db.execute(
        "CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric NOT NULL)",
        "INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 1200) g",
        "CREATE TABLE audit (id bigint PRIMARY KEY, note text)",
        "INSERT INTO audit SELECT g, 'untouched' FROM generate_series(1, 50) g");
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
    Manifests.persistentVolumeClaim(harness.client(), NS, "backups");
    Manifests.persistentVolumeClaim(harness.client(), NS, "pg-data");
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void pgDumpOfTheAffectedTablesIsWrittenAndCheckedBeforeAnyDdl() throws Exception {
    var before = SchemaSnapshot.of(db, "users", "accounts", "audit");
    var m = twoTables("dump");
    m.getSpec().setSnapshot(SnapshotSettings.pgDump(new PgDumpSettings("backups")));
    harness.jobs().holdNewPods(true);
    Manifests.create(harness.client(), m);

    var pending = await("dump", ConditionTypes.PROGRESSING, "True", Reasons.SNAPSHOT_PENDING);
    assertEquals("Snapshotting", pending.getStatus().getPhase());
    String job = "dump-snapshot-g1";
    assertTrue(harness.jobs().jobsStarted().contains(job), harness.jobs().jobsStarted().toString());
    Thread.sleep(1_500); // several passes while the Job waits for its pod
    assertEquals(before, SchemaSnapshot.of(db, "users", "accounts", "audit"), "no DDL yet");
    harness.jobs().holdNewPods(false);

    var expanded = await("dump", ConditionTypes.READY, "True", Reasons.EXPANDED);
    var snapshot = expanded.getStatus().getSnapshot();
    assertNotNull(snapshot, "status.snapshot");
    assertEquals("PgDump", snapshot.kind());
    assertEquals(job, snapshot.name());
    assertEquals(Boolean.TRUE, snapshot.readyToUse());
    assertEquals(List.of("public.accounts", "public.users"), snapshot.tables());
    assertEquals("dump-g1.dump", snapshot.file());

    Path file = harness.jobs().persistentVolume(NS, "backups").resolve("dump-g1.dump");
    assertTrue(Files.isRegularFile(file), "the dump is on the PVC: " + file);
    assertEquals(Files.size(file), snapshot.bytes());
    assertFalse(Files.exists(file.resolveSibling("dump-g1.dump.partial")));
    assertEquals(1, harness.jobs().podRuns(NS, job), "one dump for the generation");

    // pg_restore --list: the data of exactly the two affected tables.
    String list = run(PgClientTools.tool("pg_restore"), "--list", file.toString());
    var data = new TreeSet<String>();
    for (String line : list.split("\n")) {
      int at = line.indexOf(" TABLE DATA ");
      if (!line.startsWith(";") && at >= 0) {
        String[] w = line.substring(at + 12).split(" ");
        data.add(w[0] + "." + w[1]);
      }
    }
    assertEquals(new TreeSet<>(List.of("public.accounts", "public.users")), data, list);

    // The dump was taken before the first DDL: it restores the tables as they were, every row.
    try (TestDatabase scratch = TestPostgres.newPrimaryDatabase()) {
      run(
          PgClientTools.tool("pg_restore"),
          "--no-owner",
          "--dbname=" + scratch.uri(),
          file.toString());
      assertEquals(3_000, scratch.queryLong("SELECT count(*) FROM users"));
      assertEquals(1_200, scratch.queryLong("SELECT count(*) FROM accounts"));
      assertEquals(
          db.queryLong("SELECT sum(balance)::bigint FROM accounts"),
          scratch.queryLong("SELECT sum(balance)::bigint FROM accounts"));
      assertEquals(
          0,
          scratch.queryLong(
              "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND"
                  + " column_name = 'username'"),
          "the dump has no trace of the expand");
      assertEquals(0, scratch.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'audit'"));
    }
    assertTrue(
        db.queryLong(
                "SELECT count(*) FROM dovetail.operations o WHERE o.migration = '"
                    + NS
                    + "/dump' AND o.expanded_at > (SELECT s.finished_at FROM dovetail.snapshots s"
                    + " WHERE s.generation = 1 AND s.migration LIKE '"
                    + NS
                    + "/dump#%')")
            == 2,
        "both operations were expanded after the dump was recorded");
  }

  @Test
  void expandWaitsForTheVolumeSnapshotToBeReadyAndContractTakesNoOther() throws Exception {
    var before = SchemaSnapshot.of(db, "users", "accounts");
    var m = twoTables("vs");
    m.getSpec()
        .setSnapshot(
            SnapshotSettings.volumeSnapshot(new VolumeSnapshotSettings("pg-data", "csi-snap")));
    Manifests.create(harness.client(), m);

    var pending = await("vs", ConditionTypes.PROGRESSING, "True", Reasons.SNAPSHOT_PENDING);
    assertEquals("Snapshotting", pending.getStatus().getPhase());
    GenericKubernetesResource snapshot = volumeSnapshot("vs-snapshot-g1");
    assertNotNull(snapshot, "the VolumeSnapshot of generation 1 exists");
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) snapshot.getAdditionalProperties().get("spec");
    assertEquals(Map.of("persistentVolumeClaimName", "pg-data"), spec.get("source"));
    assertEquals("csi-snap", spec.get("volumeSnapshotClassName"));
    assertEquals("vs", snapshot.getMetadata().getOwnerReferences().get(0).getName());
    assertEquals("DatabaseMigration", snapshot.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals("snapshot", snapshot.getMetadata().getLabels().get(Labels.ROLE));

    Thread.sleep(2_000); // passes go by: still waiting, nothing changed
    var still = Manifests.get(harness.client(), NS, "vs");
    assertEquals(
        Reasons.SNAPSHOT_PENDING,
        Conditions.find(still.getStatus().getConditions(), ConditionTypes.PROGRESSING)
            .orElseThrow()
            .getReason());
    assertEquals(before, SchemaSnapshot.of(db, "users", "accounts"), "no DDL before readyToUse");
    assertEquals(1, volumeSnapshots().size());

    setStatus("vs-snapshot-g1", Map.of("readyToUse", true));
    var expanded = await("vs", ConditionTypes.READY, "True", Reasons.EXPANDED);
    assertEquals(Boolean.TRUE, expanded.getStatus().getSnapshot().readyToUse());
    assertEquals("vs-snapshot-g1", expanded.getStatus().getSnapshot().name());

    Manifests.editSpec(harness.client(), NS, "vs", s -> s.setPhase(MigrationPhase.Contract));
    await("vs", ConditionTypes.READY, "True", Reasons.CONTRACTED);
    assertEquals(
        List.of("vs-snapshot-g1"),
        volumeSnapshots().stream().map(r -> r.getMetadata().getName()).toList(),
        "contract of the same expand takes no snapshot");
  }

  @Test
  void aFailedVolumeSnapshotStopsTheMigrationBeforeAnyDdl() throws Exception {
    var before = SchemaSnapshot.of(db, "users", "accounts");
    var m = twoTables("broken");
    m.getSpec()
        .setSnapshot(SnapshotSettings.volumeSnapshot(new VolumeSnapshotSettings("pg-data", null)));
    Manifests.create(harness.client(), m);
    await("broken", ConditionTypes.PROGRESSING, "True", Reasons.SNAPSHOT_PENDING);
    setStatus(
        "broken-snapshot-g1",
        Map.of(
            "readyToUse",
            false,
            "error",
            Map.of("message", "Failed to create snapshot: quota exceeded")));

    var failed = await("broken", ConditionTypes.READY, "False", Reasons.SNAPSHOT_FAILED);
    String message =
        Conditions.find(failed.getStatus().getConditions(), ConditionTypes.READY)
            .orElseThrow()
            .getMessage();
    assertTrue(message.contains("quota exceeded"), message);
    assertTrue(message.contains("broken-snapshot-g1"), message);
    assertEquals("Failed", failed.getStatus().getPhase());
    Thread.sleep(1_500);
    assertEquals(before, SchemaSnapshot.of(db, "users", "accounts"), "nothing changed");
    assertEquals(
        0,
        db.queryLong(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE"
                        + " n.nspname = 'dovetail' AND c.relname = 'operations'")
                == 0
            ? 0
            : db.queryLong(
                "SELECT count(*) FROM dovetail.operations WHERE migration = '" + NS + "/broken'"),
        "no operation was started");
  }

  @Test
  void aMissingVolumeHoldsExpandWithTheFieldNamedAndNothingCreated() throws Exception {
    var before = SchemaSnapshot.of(db, "users", "accounts");
    var dump = twoTables("nopvc");
    dump.getSpec().setSnapshot(SnapshotSettings.pgDump(new PgDumpSettings("backup")));
    Manifests.create(harness.client(), dump);
    // On another table: migrations of the same table run one at a time, and the held one keeps
    // its claim (the snapshot comes after the claim, so nothing changes the tables in between).
    var vs =
        Manifests.migration(
            NS, "nodata", "db", Operation.addColumn(new AddColumn("audit", "reviewer", "text")));
    vs.getSpec()
        .setSnapshot(
            SnapshotSettings.volumeSnapshot(new VolumeSnapshotSettings("pgdata", "csi-snap")));
    Manifests.create(harness.client(), vs);

    var held = await("nopvc", ConditionTypes.PROGRESSING, "False", Reasons.SNAPSHOT_PENDING);
    String message = progressingMessage(held);
    assertTrue(
        message.startsWith(
            "spec.snapshot.pgDump.persistentVolumeClaimName: PersistentVolumeClaim backup not"
                + " found in namespace snapshots"),
        message);
    var heldVs = await("nodata", ConditionTypes.PROGRESSING, "False", Reasons.SNAPSHOT_PENDING);
    assertTrue(
        progressingMessage(heldVs)
            .startsWith(
                "spec.snapshot.volumeSnapshot.persistentVolumeClaimName: PersistentVolumeClaim"
                    + " pgdata not found"),
        progressingMessage(heldVs));

    Thread.sleep(1_500); // passes go by: still held
    assertEquals(List.of(), harness.jobs().jobsStarted(), "no dump Job for a missing PVC");
    assertEquals(List.of(), volumeSnapshots(), "no VolumeSnapshot of a missing PVC");
    assertEquals(before, SchemaSnapshot.of(db, "users", "accounts"), "no DDL");
    assertEquals(
        "Snapshotting", Manifests.get(harness.client(), NS, "nopvc").getStatus().getPhase());

    // The user creates the PVC (or Argo CD's next wave does): the dump runs, expand follows.
    Manifests.persistentVolumeClaim(harness.client(), NS, "backup");
    var expanded = await("nopvc", ConditionTypes.READY, "True", Reasons.EXPANDED);
    assertEquals(Boolean.TRUE, expanded.getStatus().getSnapshot().readyToUse());
    assertEquals(
        List.of("nopvc-snapshot-g1"),
        harness.jobs().jobsStarted().stream().filter(j -> j.contains("-snapshot-")).toList(),
        "one dump, once the PVC exists");
  }

  @Test
  void aDumpThatCannotLockATableFailsWithPgDumpsReasonAndChangesNothing() throws Exception {
    var before = SchemaSnapshot.of(db, "users", "accounts");
    var settings = new PgDumpSettings("backups");
    settings.setLockWaitTimeout("300ms");
    var m = twoTables("locked");
    m.getSpec().setSnapshot(SnapshotSettings.pgDump(settings));
    // A session holding ACCESS EXCLUSIVE on accounts, as a long ALTER TABLE would: pg_dump cannot
    // take its ACCESS SHARE lock and gives up after lockWaitTimeout instead of queueing for hours.
    try (var holder = db.connect()) {
      holder.setAutoCommit(false);
      try (var st = holder.createStatement()) {
        st.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
      }
      Manifests.create(harness.client(), m);
      var failed = await("locked", ConditionTypes.READY, "False", Reasons.SNAPSHOT_FAILED);
      String message =
          Conditions.find(failed.getStatus().getConditions(), ConditionTypes.READY)
              .orElseThrow()
              .getMessage();
      assertTrue(message.startsWith("dump Job locked-snapshot-g1 failed: "), message);
      assertTrue(message.contains("last attempt: pg_dump failed (exit 1): "), message);
      assertTrue(message.contains("lock"), "pg_dump's own reason: " + message);
      assertTrue(message.contains("accounts"), "the table it could not lock: " + message);
      assertFalse(message.contains(db.uri()), "no URI in the condition");
      assertEquals("Failed", failed.getStatus().getPhase());
      assertEquals(
          message.substring(0, 40), failed.getStatus().getSnapshot().error().substring(0, 40));
      holder.rollback();
    }
    Path dir = harness.jobs().persistentVolume(NS, "backups");
    assertFalse(Files.exists(dir.resolve("locked-g1.dump")), "no dump file");
    assertFalse(Files.exists(dir.resolve("locked-g1.dump.partial")), "no partial file left");
    assertEquals(before, SchemaSnapshot.of(db, "users", "accounts"), "nothing changed");
    assertEquals(
        0,
        db.queryLong(
            "SELECT count(*) FROM dovetail.snapshots WHERE migration LIKE '" + NS + "/locked#%'"));
  }

  private static String progressingMessage(DatabaseMigration m) {
    return Conditions.find(m.getStatus().getConditions(), ConditionTypes.PROGRESSING)
        .orElseThrow()
        .getMessage();
  }

  private static DatabaseMigration twoTables(String name) {
    return Manifests.migration(
        NS,
        name,
        "db",
        Operation.renameColumn(new RenameColumn("public", "users", "user_name", "username")),
        Operation.addColumn(new AddColumn("accounts", "currency", "text")));
  }

  private DatabaseMigration await(String name, String type, String status, String reason) {
    return awaitCondition(
        harness.client(), DatabaseMigration.class, NS, name, type, status, reason, TIMEOUT);
  }

  private GenericKubernetesResource volumeSnapshot(String name) {
    return harness
        .client()
        .genericKubernetesResources(MigrationSnapshots.VOLUME_SNAPSHOTS)
        .inNamespace(NS)
        .withName(name)
        .get();
  }

  private List<GenericKubernetesResource> volumeSnapshots() {
    return harness
        .client()
        .genericKubernetesResources(MigrationSnapshots.VOLUME_SNAPSHOTS)
        .inNamespace(NS)
        .list()
        .getItems();
  }

  /** What the CSI snapshot controller writes. */
  private void setStatus(String name, Map<String, Object> status) {
    harness
        .client()
        .genericKubernetesResources(MigrationSnapshots.VOLUME_SNAPSHOTS)
        .inNamespace(NS)
        .withName(name)
        .edit(
            r -> {
              r.setAdditionalProperty("status", status);
              return r;
            });
  }

  private static String run(String... command) throws Exception {
    var p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    return out;
  }
}
