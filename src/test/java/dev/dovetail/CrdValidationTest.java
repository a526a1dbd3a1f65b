package dev.dovetail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dovetail.testing.CrdSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input is refused at the door: manifests an API server with the generated CRDs must refuse on
 * create or on update (schema and CEL rules, transition rules with oldSelf), each with a message
 * naming the field, and the legitimate transitions it must let through.
 */
class CrdValidationTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static CrdSchema migrations;
  static CrdSchema cutovers;

  static {
    try {
      migrations = CrdSchema.load(Path.of("crds/databasemigrations.dovetail.dev-v1.yml"));
      cutovers = CrdSchema.load(Path.of("crds/dualwritecutovers.dovetail.dev-v1.yml"));
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A DatabaseMigration whose spec is the given YAML lines under spec. */
  static JsonNode migration(String spec) throws IOException {
    return YAML.readTree(
        "apiVersion: dovetail.dev/v1alpha1\nkind: DatabaseMigration\nmetadata: {name: m}\nspec:\n"
            + spec.indent(2));
  }

  static final String RENAME =
      """
      database: {secretRef: {name: app-db}}
      operations:
        - renameColumn: {table: users, from: user_name, to: username}
      """;

  static void assertRefused(List<String> problems, String expected) {
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith(expected)),
        "expected a problem starting with «" + expected + "» in " + problems);
  }

  @Test
  void aWellFormedMigrationIsAdmittedWithItsDefaults() throws IOException {
    var m = migration(RENAME);
    assertEquals(List.of(), migrations.admitCreate(m));
    var stored = migrations.withDefaults(m).path("spec");
    assertEquals("Expand", stored.path("phase").asText());
    assertEquals(
        "public", stored.path("operations").get(0).path("renameColumn").path("schema").asText());
    // As in Kubernetes, defaults inside an absent object (ddl) are not filled in: the operator's
    // Java defaults cover it.
    assertTrue(stored.path("ddl").isMissingNode());
    var withDdl = migrations.withDefaults(migration(RENAME + "ddl: {maxAttempts: 3}\n"));
    assertEquals("500ms", withDdl.path("spec").path("ddl").path("lockTimeout").asText());
  }

  @Test
  void aSnapshotSetsExactlyOneVariant() throws IOException {
    assertEquals(
        List.of(),
        migrations.admitCreate(
            migration(RENAME + "snapshot: {pgDump: {persistentVolumeClaimName: backups}}\n")));
    assertEquals(
        List.of(),
        migrations.admitCreate(
            migration(
                RENAME
                    + "snapshot: {volumeSnapshot: {persistentVolumeClaimName: pg-data,"
                    + " volumeSnapshotClassName: csi}}\n")));
    assertRefused(
        migrations.admitCreate(migration(RENAME + "snapshot: {}\n")),
        ".spec.snapshot: spec.snapshot: set exactly one of volumeSnapshot or pgDump");
    assertRefused(
        migrations.admitCreate(
            migration(
                RENAME
                    + "snapshot: {pgDump: {persistentVolumeClaimName: a}, volumeSnapshot:"
                    + " {persistentVolumeClaimName: b}}\n")),
        ".spec.snapshot: spec.snapshot: set exactly one of volumeSnapshot or pgDump");
    assertRefused(
        migrations.admitCreate(migration(RENAME + "snapshot: {pgDump: {}}\n")),
        ".spec.snapshot.pgDump.persistentVolumeClaimName: required");
  }

  @Test
  void unknownOperationKindsAreRefused() throws IOException {
    var problems =
        migrations.admitCreate(
            migration(
                """
                database: {secretRef: {name: app-db}}
                operations:
                  - dropTable: {table: users}
                  - {}
                """));
    // Strict field validation names the field; with pruning, the CEL rule still refuses the item.
    assertRefused(problems, ".spec.operations[0].dropTable: unknown field");
    assertRefused(problems, ".spec.operations[0]: each operation sets exactly one known kind");
    assertRefused(problems, ".spec.operations[1]: each operation sets exactly one known kind");
  }

  @Test
  void invalidIdentifiersAreRefused() throws IOException {
    String tooLong = "c".repeat(64);
    var problems =
        migrations.admitCreate(
            migration(
                """
                database: {secretRef: {name: App_DB, key: "uri/../x"}}
                operations:
                  - renameColumn: {schema: "public; drop", table: users, from: user_name, to: %s}
                  - renameColumn: {table: "users\\"", from: a, to: a}
                """
                    .formatted(tooLong)));
    assertRefused(problems, ".spec.database.secretRef.name: 'App_DB' does not match");
    assertRefused(problems, ".spec.database.secretRef.key: 'uri/../x' does not match");
    assertRefused(
        problems, ".spec.operations[0].renameColumn.schema: 'public; drop' does not match");
    assertRefused(problems, ".spec.operations[0].renameColumn.to: longer than 63 characters");
    assertRefused(problems, ".spec.operations[1].renameColumn.table: 'users\"' does not match");
    assertRefused(problems, ".spec.operations[1].renameColumn: renameColumn.to must differ");
  }

  @Test
  void readPercentOutsideZeroToHundredAndEarlyWriteCutoverAreRefused() throws IOException {
    String cutover =
        """
        apiVersion: dovetail.dev/v1alpha1
        kind: DualWriteCutover
        metadata: {name: c}
        spec:
          source: {secretRef: {name: source-db}}
          target: {secretRef: {name: target-db}}
          tables: [public.users]
          readFromTargetPercent: %d
          writeTarget: %s
        """;
    assertRefused(
        cutovers.admitCreate(YAML.readTree(cutover.formatted(101, "Source"))),
        ".spec.readFromTargetPercent: above the maximum 100");
    assertRefused(
        cutovers.admitCreate(YAML.readTree(cutover.formatted(-1, "Source"))),
        ".spec.readFromTargetPercent: below the minimum 0");
    assertRefused(
        cutovers.admitCreate(YAML.readTree(cutover.formatted(50, "Target"))),
        ".spec: writeTarget: Target requires readFromTargetPercent: 100");
    assertEquals(List.of(), cutovers.admitCreate(YAML.readTree(cutover.formatted(100, "Target"))));
    String both =
        cutover
            .formatted(0, "Source")
            .replace("tables: [public.users]", "tables: [public.users]\n  schema: shop");
    assertRefused(
        cutovers.admitCreate(YAML.readTree(both)),
        ".spec: set exactly one of spec.tables or spec.schema");
    String neither = cutover.formatted(0, "Source").replace("  tables: [public.users]\n", "");
    assertRefused(
        cutovers.admitCreate(YAML.readTree(neither)),
        ".spec: set exactly one of spec.tables or spec.schema");
    String schemaOnly =
        cutover.formatted(0, "Source").replace("tables: [public.users]", "schema: shop");
    assertEquals(List.of(), cutovers.admitCreate(YAML.readTree(schemaOnly)));
  }

  @Test
  void anAbandonedMigrationCannotBeResumed() throws IOException {
    var abandoned = migration(RENAME + "phase: Abandon\n");
    assertRefused(
        migrations.admitUpdate(abandoned, migration(RENAME + "phase: Expand\n")),
        ".spec: an abandoned migration cannot be resumed");
    assertRefused(
        migrations.admitUpdate(abandoned, migration(RENAME)),
        ".spec: an abandoned migration cannot be resumed");
    assertEquals(
        List.of(),
        migrations.admitUpdate(abandoned, migration(RENAME + "phase: Abandon\npaused: true\n")),
        "other fields of an abandoned migration may still change");
  }

  @Test
  void contractCannotAddOrChangeOperations() throws IOException {
    var expand = migration(RENAME);
    var added =
        migration(
            RENAME
                + """
                  - renameColumn: {table: users, from: email, to: email_address}
                phase: Contract
                """);
    assertRefused(
        migrations.admitUpdate(expand, added),
        ".spec: spec.phase Contract cannot add or change operations in the same change");
    var contract = migration(RENAME + "phase: Contract\n");
    var changed =
        migration(
            """
            database: {secretRef: {name: app-db}}
            phase: Contract
            operations:
              - renameColumn: {table: users, from: user_name, to: login}
            """);
    assertRefused(
        migrations.admitUpdate(contract, changed),
        ".spec: spec.phase Contract cannot add or change operations");
  }

  @Test
  void theTransitionsOfTheGitOpsFlowAreAdmitted() throws IOException {
    var expand = migration(RENAME);
    var contract = migration(RENAME + "phase: Contract\n");
    var twoOps =
        migration(
            RENAME
                + "  - renameColumn: {table: users, from: email, to: email_address}\n"
                + "phase: Contract\n");
    assertEquals(List.of(), migrations.admitUpdate(expand, contract), "Expand → Contract");
    assertEquals(List.of(), migrations.admitUpdate(contract, expand), "revert: Contract → Expand");
    assertEquals(
        List.of(),
        migrations.admitUpdate(contract, migration(RENAME + "phase: Abandon\n")),
        "Contract → Abandon");
    assertEquals(
        List.of(), migrations.admitUpdate(twoOps, contract), "removing an operation in Contract");
    // Schema defaults count: writing the defaulted value explicitly is the same operation.
    var explicitSchema =
        migration(
            """
            database: {secretRef: {name: app-db}}
            phase: Contract
            operations:
              - renameColumn: {schema: public, table: users, from: user_name, to: username}
            """);
    assertEquals(List.of(), migrations.admitUpdate(expand, explicitSchema));
  }

  @Test
  void aCreateWithContractIsLeftToTheOperator() throws IOException {
    // A create has no oldSelf: the API server cannot know whether the contract already ran (the
    // history is in the database), so this is admitted; the operator answers ExpandNotVerified
    // without running SQL (StatusFixturesIT) or Contracted when its bookkeeping says so.
    assertEquals(List.of(), migrations.admitCreate(migration(RENAME + "phase: Contract\n")));
  }
}
