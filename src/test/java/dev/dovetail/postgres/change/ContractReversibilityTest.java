package dev.dovetail.postgres.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.AddCheckConstraint;
import dev.dovetail.api.v1alpha1.AddColumn;
import dev.dovetail.api.v1alpha1.AddForeignKey;
import dev.dovetail.api.v1alpha1.AddUniqueConstraint;
import dev.dovetail.api.v1alpha1.ChangeColumnType;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DropColumn;
import dev.dovetail.api.v1alpha1.DropIndex;
import dev.dovetail.api.v1alpha1.ForeignKeyReference;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RawSql;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.api.v1alpha1.RenameTable;
import dev.dovetail.api.v1alpha1.SetNotNull;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which recorded operations are final (never undone): a cleaned-up one of any kind, and a
 * contracted one only of a kind whose contract dropped something it cannot rebuild.
 */
class ContractReversibilityTest {
  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  /** Kinds whose contract drops what uncontract cannot rebuild. */
  static final Set<String> FINAL_AT_CONTRACT = Set.of("renameTable", "dropIndex");

  static final Map<String, Operation> OPERATIONS =
      Map.ofEntries(
          Map.entry(
              "renameColumn", Operation.renameColumn(new RenameColumn("public", "t", "a", "b"))),
          Map.entry("addColumn", Operation.addColumn(new AddColumn("t", "c", "text"))),
          Map.entry("dropColumn", Operation.dropColumn(new DropColumn("t", "c"))),
          Map.entry("setNotNull", Operation.setNotNull(new SetNotNull("t", "c"))),
          Map.entry(
              "addCheckConstraint",
              Operation.addCheckConstraint(new AddCheckConstraint("t", "t_c", "c > 0"))),
          Map.entry(
              "addForeignKey",
              Operation.addForeignKey(
                  new AddForeignKey(
                      "t", "t_fk", List.of("c"), new ForeignKeyReference("o", List.of("id"))))),
          Map.entry(
              "createIndex", Operation.createIndex(new CreateIndex("t", "t_c", List.of("c")))),
          Map.entry("dropIndex", Operation.dropIndex(new DropIndex("t_c"))),
          Map.entry(
              "addUniqueConstraint",
              Operation.addUniqueConstraint(new AddUniqueConstraint("t", "t_c_key", List.of("c")))),
          Map.entry(
              "changeColumnType",
              Operation.changeColumnType(new ChangeColumnType("t", "c", "bigint"))),
          Map.entry("renameTable", Operation.renameTable(new RenameTable("t", "u"))),
          Map.entry(
              "sql",
              Operation.sql(new RawSql("ALTER TABLE t ADD COLUMN f int", "ALTER TABLE t DROP f"))));

  static List<String> kinds() {
    return ChangeKinds.names();
  }

  @Test
  void everyKindHasAnOperation() {
    assertEquals(new TreeSet<>(ChangeKinds.names()), new TreeSet<>(OPERATIONS.keySet()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void contractedIsFinalOnlyWhenItsContractCannotBeUndone(String kind) {
    boolean finalAtContract = ChangeResolver.isFinal(record(kind, OperationStates.CONTRACTED));
    assertEquals(FINAL_AT_CONTRACT.contains(kind), finalAtContract, kind + " contracted");
    assertFalse(ChangeResolver.isFinal(record(kind, OperationStates.UNCONTRACTING)), kind);
    assertFalse(ChangeResolver.isFinal(record(kind, OperationStates.VALIDATED)), kind);
    assertTrue(ChangeResolver.isFinal(record(kind, OperationStates.CLEANING)), kind);
    assertTrue(ChangeResolver.isFinal(record(kind, OperationStates.CLEANED)), kind);
  }

  private static OperationRecord record(String kind, String state) {
    Operation op = OPERATIONS.get(kind);
    return new OperationRecord(
        ChangeResolver.idOf(op), Serialization.asJson(op), state, AT, AT.plusSeconds(60));
  }
}
