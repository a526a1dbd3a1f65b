package dev.dovetail.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dovetail.api.v1alpha1.AddColumn;
import dev.dovetail.api.v1alpha1.AddForeignKey;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.DatabaseRef;
import dev.dovetail.api.v1alpha1.ForeignKeyReference;
import dev.dovetail.api.v1alpha1.IndexMethod;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.PgDumpSettings;
import dev.dovetail.api.v1alpha1.RawSql;
import dev.dovetail.api.v1alpha1.RenameTable;
import dev.dovetail.api.v1alpha1.SecretKeyRef;
import dev.dovetail.api.v1alpha1.SetNotNull;
import dev.dovetail.api.v1alpha1.SnapshotSettings;
import dev.dovetail.api.v1alpha1.VolumeSnapshotSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec-only validation of every kind names the exact field, down to list items. */
class MigrationValidatorTest {

  private static List<String> problems(Operation... ops) {
    var spec = new DatabaseMigrationSpec();
    spec.setDatabase(new DatabaseRef(new SecretKeyRef("db", "uri")));
    spec.setOperations(new ArrayList<>(List.of(ops)));
    return MigrationValidator.validate(spec);
  }

  @Test
  void anOperationSetsExactlyOneKind() {
    assertTrue(
        problems(new Operation())
            .get(0)
            .startsWith(
                "spec.operations[0]: sets no known operation kind (known: renameColumn, addColumn,"));
    var two = Operation.setNotNull(new SetNotNull("t", "c"));
    two.setRenameTable(new RenameTable("t", "u"));
    assertEquals(
        List.of(
            "spec.operations[0]: sets setNotNull and renameTable; set exactly one kind per operation"),
        problems(two));
  }

  @Test
  void identifiersAreCheckedDownToListItems() {
    var index = new CreateIndex("t", "t_idx", List.of("a", "b c", "a"));
    assertEquals(
        List.of(
            "spec.operations[0].createIndex.columns[1]: 'b c' is not a valid identifier (a letter or _, then letters, digits, _ or $; at most 63 characters)",
            "spec.operations[0].createIndex.columns[2]: a is listed twice"),
        problems(Operation.createIndex(index)));
    var hash = new CreateIndex("t", "t_idx", List.of("a"));
    hash.setUnique(true);
    hash.setMethod(IndexMethod.hash);
    assertEquals(
        List.of(
            "spec.operations[0].createIndex.unique: only btree indexes can be unique (method is hash)"),
        problems(Operation.createIndex(hash)));
  }

  @Test
  void expressionsMustBeExactlyOneExpression() {
    var column = new AddColumn("t", "tier", "text");
    column.setDefaultValue("'a'); DROP TABLE t; --");
    assertEquals(
        List.of("spec.operations[0].addColumn.default: has an unbalanced closing parenthesis"),
        problems(Operation.addColumn(column)));
    var notNull = new AddColumn("t", "tier", "text");
    notNull.setNotNull(true);
    assertTrue(
        problems(Operation.addColumn(notNull))
            .get(0)
            .startsWith("spec.operations[0].addColumn.notNull: a NOT NULL column needs a default"));
    var value = new SetNotNull("t", "c");
    value.setValue("1; SELECT 2");
    assertEquals(
        List.of("spec.operations[0].setNotNull.value: must be one expression, without ';'"),
        problems(Operation.setNotNull(value)));
  }

  @Test
  void foreignKeyColumnListsMustMatch() {
    var fk =
        new AddForeignKey(
            "t", "t_fk", List.of("a", "b"), new ForeignKeyReference("u", List.of("id")));
    assertEquals(
        List.of(
            "spec.operations[0].addForeignKey.references.columns: has 1 columns but columns has 2"),
        problems(Operation.addForeignKey(fk)));
  }

  @Test
  void rawSqlNeedsUpAndDownAndTheRepeatedOperationIsNamed() {
    assertEquals(
        List.of("spec.operations[0].sql.down: required"),
        problems(Operation.sql(new RawSql("SELECT 1", null))));
    assertEquals(
        List.of("spec.operations[0].sql.up: unterminated string constant"),
        problems(Operation.sql(new RawSql("SELECT 'x", "SELECT 1"))));
    var index = Operation.createIndex(new CreateIndex("t", "t_idx", List.of("a")));
    assertEquals(
        List.of("spec.operations[1]: repeats an earlier operation"),
        problems(index, Operation.createIndex(new CreateIndex("t", "t_idx", List.of("a")))));
  }

  @Test
  void aSnapshotSetsExactlyOneVariantNamingItsPvc() {
    var spec = new DatabaseMigrationSpec();
    spec.setDatabase(new DatabaseRef(new SecretKeyRef("db", "uri")));
    spec.setOperations(
        new ArrayList<>(List.of(Operation.addColumn(new AddColumn("t", "c", "int")))));
    spec.setSnapshot(new SnapshotSettings());
    assertEquals(
        List.of("spec.snapshot: set exactly one of volumeSnapshot or pgDump (neither is set)"),
        MigrationValidator.validate(spec));
    spec.getSnapshot().setPgDump(new PgDumpSettings("backups"));
    assertEquals(List.of(), MigrationValidator.validate(spec));
    spec.getSnapshot().setVolumeSnapshot(new VolumeSnapshotSettings("pg-data", null));
    assertEquals(
        List.of("spec.snapshot: set exactly one of volumeSnapshot or pgDump (both are set)"),
        MigrationValidator.validate(spec));
    spec.setSnapshot(SnapshotSettings.volumeSnapshot(new VolumeSnapshotSettings("Bad_Name", null)));
    assertEquals(
        List.of(
            "spec.snapshot.volumeSnapshot.persistentVolumeClaimName: required, the name of a PVC"),
        MigrationValidator.validate(spec));
  }

  @Test
  void theCrdRuleCountsEveryKind() throws Exception {
    var crd =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("crds/databasemigrations.dovetail.dev-v1.yml").toFile());
    var items =
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec")
            .path("properties")
            .path("operations")
            .path("items");
    String rule = items.path("x-kubernetes-validations").get(0).path("rule").asText();
    for (String kind : Operation.KINDS) {
      assertTrue(rule.contains("has(self." + kind + ")"), kind + " counted in " + rule);
      assertTrue(items.path("properties").has(kind), kind + " is in the schema");
    }
    assertEquals(Operation.KINDS.size(), items.path("properties").size(), "and nothing else is");
  }
}
