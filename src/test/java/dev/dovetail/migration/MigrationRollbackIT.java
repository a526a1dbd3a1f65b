package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.testing.AppWorkload;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollback is a spec revert: what is no longer desired is undone, and the schema is as before. */
class MigrationRollbackIT {
  static final String NS = "revert";
  static final String NAME = "renames";

  KubeHarness harness;
  TestDatabase db;
  String columnsBefore;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 10_000);
    columnsBefore = columns();
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
  void removingAnOperationUndoesItsExpansionOnly() {
    var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
    m.getSpec()
        .getOperations()
        .add(Operation.renameColumn(new RenameColumn("public", "users", "email", "email_address")));
    try (var app = new AppWorkload("old", db.uri(), "user_name", 10_000, 1).start()) {
      Manifests.create(harness.client(), m);
      awaitReady(Reasons.EXPANDED);
      assertEquals(plus("email_address", "username"), columns());

      Manifests.editSpec(harness.client(), NS, NAME, s -> s.getOperations().remove(1));
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !columns().contains("email_address"));
      awaitReady(Reasons.EXPANDED);
      assertEquals(plus("username"), columns());
      assertEquals(
          1, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail_sync_%'"));
      app.stop();
      assertEquals(java.util.List.of(), app.failures());
    }
  }

  @Test
  void movingBackFromAGatedContractKeepsTheExpansion() {
    var m = Manifests.rename(NS, NAME, "db", "users", "user_name", "username");
    m.getSpec().getGates().setMinExpandDuration("1h");
    Manifests.create(harness.client(), m);
    awaitReady(Reasons.EXPANDED);

    Manifests.editSpec(harness.client(), NS, NAME, s -> s.setPhase(MigrationPhase.Contract));
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        NAME,
        ConditionTypes.PROGRESSING,
        "False",
        Reasons.SOAKING,
        Duration.ofSeconds(30));
    Manifests.editSpec(harness.client(), NS, NAME, s -> s.setPhase(MigrationPhase.Expand));
    awaitReady(Reasons.EXPANDED);
    assertEquals(plus("username"), columns(), "contract never ran; the old column stays");
  }

  @Test
  void abandonAndDeletionRestoreTheSchema() {
    Manifests.create(
        harness.client(), Manifests.rename(NS, NAME, "db", "users", "user_name", "username"));
    awaitReady(Reasons.EXPANDED);
    Manifests.editSpec(harness.client(), NS, NAME, s -> s.setPhase(MigrationPhase.Abandon));
    awaitReady(Reasons.ABANDONED);
    assertEquals(columnsBefore, columns());
    assertEquals(
        0, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail_sync_%'"));

    Manifests.create(
        harness.client(), Manifests.rename(NS, "second", "db", "users", "user_name", "username"));
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "second",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(1));
    harness.client().resources(DatabaseMigration.class).inNamespace(NS).withName("second").delete();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Manifests.get(harness.client(), NS, "second") == null);
    assertEquals(columnsBefore, columns(), "deleting the resource reverted its expansion");
  }

  private void awaitReady(String reason) {
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        NAME,
        ConditionTypes.READY,
        "True",
        reason,
        Duration.ofMinutes(1));
  }

  private String plus(String... added) {
    var all = new java.util.TreeSet<>(java.util.List.of(columnsBefore.split(",")));
    all.addAll(java.util.List.of(added));
    return String.join(",", all);
  }

  private String columns() {
    return db.queryString(
        "SELECT string_agg(column_name, ',' ORDER BY column_name COLLATE \"C\") FROM information_schema.columns"
            + " WHERE table_schema = 'public' AND table_name = 'users'");
  }
}
