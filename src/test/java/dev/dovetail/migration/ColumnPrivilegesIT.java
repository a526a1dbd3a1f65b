package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ChangeColumnType;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.testing.AccountsTable;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TableWorkload;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * changeColumnType and renameColumn when the application's role is granted columns, not the table:
 * the columns Dovetail adds (changeColumnType's shadow, which takes the column's name at contract,
 * and renameColumn's new column) must get the old column's privileges, or the application fails
 * with permission denied once it uses them. Both versions run as that role through expand, contract
 * and back to Expand: no statement may fail.
 */
class ColumnPrivilegesIT {
  static final long ROWS = 2_000;
  static final Duration STEP = Duration.ofMinutes(2);
  static final String NS = "column-privileges";
  static KubeHarness harness;
  static TestDatabase db;

  @BeforeAll
  static void start() {
    db = TestPostgres.newPrimaryDatabase();
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));
  }

  @AfterAll
  static void stop() {
    harness.close();
    db.close();
  }

  @Test
  void rolesGrantedColumnsOnlyKeepWorkingAcrossExpandContractAndBack() throws Exception {
    String role =
        "app_cols_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    String t = "acc_cols";
    AccountsTable.create(db, t, ROWS);
    db.execute(
        "CREATE ROLE %s LOGIN".formatted(role),
        ("GRANT SELECT (id, owner_id, email, code, score, legacy, note), INSERT (owner_id, email,"
                + " code, score, legacy, note), UPDATE (score, note) ON %s TO %s")
            .formatted(t, role),
        "GRANT USAGE ON SEQUENCE %s_id_seq TO %s".formatted(t, role));
    String appUri = db.uri().replaceFirst("//[^@]+@", "//" + role + "@");
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
    var apps = new ArrayList<TableWorkload>();
    try {
      var old = started(apps, app("old", appUri, t, "note", 1));
      var m =
          Manifests.migration(
              NS,
              "m",
              "db",
              Operation.changeColumnType(new ChangeColumnType(t, "score", "bigint")),
              Operation.renameColumn(new RenameColumn("public", t, "note", "memo")));
      m.getSpec().setCleanupAfter("1h");
      Manifests.create(harness.client(), m);
      await(Reasons.EXPANDED);
      var next = started(apps, app("new", appUri, t, "memo", 0));
      Thread.sleep(1000); // both versions run while expanded
      old.stop();
      Manifests.editSpec(harness.client(), NS, "m", s -> s.setPhase(MigrationPhase.Contract));
      await(Reasons.CLEANUP_PENDING);
      Thread.sleep(1000); // the new version writes while contracted, score now the shadow
      Manifests.editSpec(harness.client(), NS, "m", s -> s.setPhase(MigrationPhase.Expand));
      await(Reasons.EXPANDED);
      var oldAgain = started(apps, app("old-again", appUri, t, "note", 1));
      Thread.sleep(1000);
      oldAgain.stop();
      next.stop();
    } finally {
      apps.forEach(TableWorkload::stop);
      apps.forEach(app -> System.out.printf("[ColumnPrivilegesIT] %s%n", app.report()));
      db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
    }
    for (var app : apps) {
      assertEquals(List.of(), app.failures(), app.name() + " application statements failed");
      assertTrue(app.statements() > 20, app.name() + " did work");
    }
  }

  /** An application version that writes score and the note under {@code noteColumn}. */
  private static TableWorkload app(
      String name, String uri, String t, String noteColumn, int parity) {
    return new TableWorkload(
        name,
        uri,
        name.startsWith("new") ? "&autosave=conservative" : "",
        ("INSERT INTO %1$s (owner_id, email, code, score, legacy, %2$s) VALUES (1 + ? %% 100, '%3$s'"
                + " || ?, '%3$s-' || ?, ? %% 2000000000, 'l', 'n' || ?) RETURNING id")
            .formatted(t, noteColumn, name),
        "UPDATE %s SET score = ? %% 2000000000, %s = 'n' || ? WHERE id = ?"
            .formatted(t, noteColumn),
        "SELECT score, %s FROM %s WHERE id = ?".formatted(noteColumn, t),
        ROWS,
        parity);
  }

  private static TableWorkload started(List<TableWorkload> apps, TableWorkload app) {
    apps.add(app);
    return app.start();
  }

  private static void await(String reason) {
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "m",
        ConditionTypes.READY,
        "True",
        reason,
        STEP);
  }
}
