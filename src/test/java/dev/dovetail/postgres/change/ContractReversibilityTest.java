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
import dev.dovetail.postgres.GrantInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which recorded operations are final (never undone): a cleaned-up one of any kind; a contracted
 * one of no kind, except a dropIndex contracted without its definition kept (by a Dovetail from
 * before it kept one), which nothing can rebuild.
 */
class ContractReversibilityTest {
  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  /** What a dropIndex contract keeps: the catalog's definition and the table. */
  static final String KEPT_INDEX =
      new DropIndexChange.DroppedIndex(
              "\"public\".\"t\"", "CREATE UNIQUE INDEX t_c ON public.t USING btree (c)")
          .json();

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
  void contractedIsReversibleUntilCleanupForEveryKind(String kind) {
    assertFalse(ChangeResolver.isFinal(record(kind, OperationStates.CONTRACTED)), kind);
    assertFalse(ChangeResolver.isFinal(record(kind, OperationStates.UNCONTRACTING)), kind);
    assertFalse(ChangeResolver.isFinal(record(kind, OperationStates.VALIDATED)), kind);
    assertTrue(ChangeResolver.isFinal(record(kind, OperationStates.CLEANING)), kind);
    assertTrue(ChangeResolver.isFinal(record(kind, OperationStates.CLEANED)), kind);
  }

  @Test
  void aDropIndexContractedWithoutItsDefinitionKeptIsFinal() {
    Operation op = OPERATIONS.get("dropIndex");
    var legacy =
        new OperationRecord(
            ChangeResolver.idOf(op),
            Serialization.asJson(op),
            OperationStates.CONTRACTED,
            AT,
            AT.plusSeconds(60));
    assertTrue(ChangeResolver.isFinal(legacy), "nothing to build the index from");
  }

  @Test
  void dropIndexUncontractBuildsTheKeptDefinitionConcurrentlyUnderItsNameAndCleanupDropsNothing()
      throws Exception {
    var op = OPERATIONS.get("dropIndex");
    var change =
        DropIndexChange.KIND
            .forUndo(op.getDropIndex(), null, record("dropIndex", OperationStates.CONTRACTED))
            .orElseThrow();
    var build = (DdlStep.BuildIndex) change.uncontract().get(0);
    assertEquals(1, change.uncontract().size());
    assertEquals(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_c ON public.t USING btree (c)",
        build.create().sql());
    assertEquals(
        new DdlStep.IndexTarget("public", "t_c", "\"public\".\"t\"", null, Duration.ofMinutes(30)),
        build.index());
    assertEquals(List.of(), change.cleanup());
    assertEquals(List.of(), change.rollback(), "expand did nothing");
    assertEquals(KEPT_INDEX, change.keptForUncontract().orElseThrow(), "kept again as it was");

    var plan = change.plan("0:dropIndex");
    var uncontract = plan.stream().filter(p -> p.step().equals("uncontract")).toList();
    assertEquals(1, uncontract.size(), plan.toString());
    assertEquals(Locks.CREATE_INDEX_CONCURRENTLY, uncontract.get(0).lock());
    assertTrue(uncontract.get(0).hazard().contains("reads the whole table twice"), plan.toString());
    var contract = plan.stream().filter(p -> p.step().equals("contract")).findFirst().orElseThrow();
    assertTrue(
        contract.hazard().contains("CREATE UNIQUE INDEX t_c ON public.t USING btree (c)"),
        contract.hazard());
    assertTrue(plan.stream().noneMatch(p -> p.step().equals("cleanup")), plan.toString());
  }

  @Test
  void renameTableUncontractCreatesTheViewAsExpandDidAndCleanupDropsNothing() throws Exception {
    var op = OPERATIONS.get("renameTable");
    var change =
        RenameTableChange.of(
            op.getRenameTable(),
            List.of(
                new GrantInfo(null, "SELECT", false, null),
                new GrantInfo("app", "SELECT", false, null),
                new GrantInfo("app", "INSERT", false, null),
                new GrantInfo("app", "UPDATE", false, "c"),
                new GrantInfo("app", "UPDATE", false, "Mixed"),
                new GrantInfo("app", "SELECT", false, "c"),
                new GrantInfo("Ops", "DELETE", true, null)));
    var expand = change.expand().get(0).statements();
    var viewAndGrants = expand.subList(1, expand.size());
    assertEquals(
        List.of(
            "CREATE VIEW \"public\".\"t\" AS SELECT * FROM \"public\".\"u\"",
            "GRANT SELECT ON \"public\".\"t\" TO PUBLIC",
            "GRANT SELECT, INSERT, UPDATE (\"c\", \"Mixed\") ON \"public\".\"t\" TO \"app\"",
            "GRANT DELETE ON \"public\".\"t\" TO \"Ops\" WITH GRANT OPTION"),
        viewAndGrants.stream().map(Ddl::sql).toList(),
        "the view and the table's grants, in expand's transaction");
    var uncontract = change.uncontract();
    assertEquals(1, uncontract.size());
    var view = uncontract.get(0).statements();
    assertEquals(
        viewAndGrants.stream().map(Ddl::sql).toList(),
        view.stream().map(Ddl::sql).toList(),
        "expand's statements, in one transaction");
    assertTrue(view.stream().allMatch(d -> Locks.VIEW.equals(d.lock())), view.toString());
    assertTrue(view.get(0).hazard().contains("the old name works again"), view.get(0).hazard());
    assertTrue(view.get(1).hazard().contains("not mirrored"), view.get(1).hazard());
    assertEquals(List.of(), change.cleanup());
    var plan = change.plan("0:renameTable");
    for (var statement : viewAndGrants) {
      assertTrue(
          plan.stream()
              .anyMatch(
                  p ->
                      p.step().equals("uncontract")
                          && p.sql().equals(statement.sql())
                          && p.lock() != null
                          && p.hazard() != null),
          plan.toString());
    }
  }

  private static OperationRecord record(String kind, String state) {
    Operation op = OPERATIONS.get(kind);
    return new OperationRecord(
        ChangeResolver.idOf(op),
        Serialization.asJson(op),
        state,
        AT,
        AT.plusSeconds(60),
        0,
        null,
        null,
        null,
        kind.equals("dropIndex") ? KEPT_INDEX : null);
  }
}
