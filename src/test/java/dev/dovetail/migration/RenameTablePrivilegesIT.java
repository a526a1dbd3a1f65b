package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameTable;
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
 * renameTable when the application is not the superuser: it connects as its own role with SELECT,
 * INSERT, UPDATE and DELETE on the table (and USAGE on its id sequence), as in production. The
 * table's grants move with the rename; the compatibility view is new, owned by the operator's role,
 * so it must be given the table's grants or the old application gets {@code permission denied for
 * view} on every statement. Both versions run as that role through expand, contract, back to Expand
 * (uncontract creates the view again) and contract again: no statement may fail.
 */
class RenameTablePrivilegesIT {
  static final long ROWS = 2_000;
  static final Duration STEP = Duration.ofMinutes(1);
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
  void applicationRoleKeepsWorkingThroughTheViewAcrossContractAndUncontract() throws Exception {
    String role = "app_rw_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    String table = "acc_priv";
    String renamed = "acc_priv_renamed";
    String ns = "rename-privileges";
    AccountsTable.create(db, table, ROWS);
    db.execute(
        "CREATE ROLE %s LOGIN".formatted(role),
        "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s".formatted(table, role),
        "GRANT USAGE ON SEQUENCE %s_id_seq TO %s".formatted(table, role));
    String appUri = db.uri().replaceFirst("//[^@]+@", "//" + role + "@");
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    var apps = new ArrayList<TableWorkload>();
    try {
      var old = started(apps, AccountsTable.app("old", appUri, table, ROWS, 1));
      var m =
          Manifests.migration(
              ns, "m", "db", Operation.renameTable(new RenameTable(table, renamed)));
      m.getSpec().setCleanupAfter("1h");
      Manifests.create(harness.client(), m);
      await(Reasons.EXPANDED);
      var next = started(apps, AccountsTable.app("new", appUri, renamed, ROWS, 0));
      Thread.sleep(1000); // both versions run while expanded, the old one through the view
      assertEquals("arwd", privileges(table, role), "the view has the table's grants");
      old.stop();
      contract();
      Thread.sleep(500); // the new application writes while contracted
      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Expand));
      await(Reasons.EXPANDED);
      assertEquals("arwd", privileges(table, role), "the view made again has the table's grants");
      var oldAgain = started(apps, AccountsTable.app("old-again", appUri, table, ROWS, 1));
      Thread.sleep(1000);
      oldAgain.stop();
      contract();
      next.stop();
    } finally {
      apps.forEach(TableWorkload::stop);
      apps.forEach(app -> System.out.printf("[RenameTablePrivilegesIT] %s%n", app.report()));
      db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
    }
    for (var app : apps) {
      assertEquals(List.of(), app.failures(), app.name() + " application statements failed");
      assertTrue(app.statements() > 20, app.name() + " did work");
    }
  }

  private static void contract() {
    Manifests.editSpec(
        harness.client(), "rename-privileges", "m", s -> s.setPhase(MigrationPhase.Contract));
    await(Reasons.CLEANUP_PENDING);
  }

  /** The role's privileges on a relation as aclitem letters in ACL order (e.g. arwd). */
  private static String privileges(String relation, String role) {
    return db.queryString(
        ("SELECT coalesce(string_agg(CASE a.privilege_type WHEN 'INSERT' THEN 'a' WHEN 'SELECT'"
                + " THEN 'r' WHEN 'UPDATE' THEN 'w' WHEN 'DELETE' THEN 'd' ELSE '?' END, '' ORDER"
                + " BY position(left(a.privilege_type, 1) IN 'ISUD')), '') FROM pg_class c,"
                + " aclexplode(c.relacl) a WHERE c.relname = '%s' AND a.grantee = '%s'::regrole")
            .formatted(relation, role));
  }

  private static TableWorkload started(List<TableWorkload> apps, TableWorkload app) {
    apps.add(app);
    return app.start();
  }

  private static void await(String reason) {
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        "rename-privileges",
        "m",
        ConditionTypes.READY,
        "True",
        reason,
        STEP);
  }
}
