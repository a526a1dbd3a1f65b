package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad specs end in Ready=False, reason InvalidSpec, with a message naming the field, and leave the
 * database exactly as it was: not even Dovetail's bookkeeping schema is created.
 */
class MigrationValidationIT {
  static final String NS = "bad-input";
  static KubeHarness harness;
  static TestDatabase db;
  static String schemaBefore;

  @BeforeAll
  static void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 1_000);
    schemaBefore = schemaFingerprint();
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults());
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterAll
  static void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void missingTable() {
    assertInvalid(
        "missing-table",
        "userz",
        "user_name",
        "username",
        "spec.operations[0].renameColumn.table: table public.userz does not exist");
  }

  @Test
  void missingColumn() {
    assertInvalid(
        "missing-column",
        "users",
        "user_nme",
        "username",
        "spec.operations[0].renameColumn.from: column user_nme does not exist in public.users");
  }

  @Test
  void invalidIdentifier() {
    assertInvalid(
        "bad-identifier",
        "users",
        "user_name",
        "user name; DROP TABLE users",
        "spec.operations[0].renameColumn.to: 'user name; DROP TABLE users' is not a valid identifier");
  }

  @Test
  void targetColumnAlreadyExists() {
    assertInvalid(
        "existing-target",
        "users",
        "user_name",
        "email",
        "spec.operations[0].renameColumn.to: column email already exists in public.users");
  }

  private void assertInvalid(String name, String table, String from, String to, String message) {
    Manifests.create(harness.client(), Manifests.rename(NS, name, "db", table, from, to));
    var m =
        awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            name,
            ConditionTypes.READY,
            "False",
            Reasons.INVALID_SPEC,
            Duration.ofSeconds(30));
    String actual =
        m.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals(ConditionTypes.READY))
            .findFirst()
            .orElseThrow()
            .getMessage();
    assertTrue(actual.contains(message), "message names the field: " + actual);
    assertEquals("Invalid", m.getStatus().getPhase());
    assertEquals(schemaBefore, schemaFingerprint(), "the database is untouched");
  }

  /** Every schema, relation, column and trigger of the database, as one string. */
  private static String schemaFingerprint() {
    return db.queryString(
            "SELECT string_agg(n.nspname || '.' || c.relname || '.' || coalesce(a.attname, '') || ':'"
                + " || coalesce(format_type(a.atttypid, a.atttypmod), ''), ',' ORDER BY 1)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')")
        + "|triggers="
        + db.queryLong("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
        + "|schemas="
        + db.queryString("SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace");
  }
}
