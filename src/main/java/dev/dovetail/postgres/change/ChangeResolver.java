package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.ExpressionProbe;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns spec operations into {@link SchemaChange}s using the live catalog, in spec order, and says
 * what is wrong with them (each problem names the spec field). Operations already recorded are
 * checked against what they created, not against a fresh table; columns an earlier operation will
 * add count as present for later ones.
 */
public final class ChangeResolver {

  /** The result: changes in spec order, and problems (empty when the spec can run). */
  public record Resolution(List<DesiredChange> changes, List<String> problems) {}

  private final Catalog catalog;
  private final ExpressionProbe probe;

  public ChangeResolver(Connection connection) {
    this.catalog = new Catalog(connection);
    this.probe = new ExpressionProbe(connection);
  }

  /** Stable identity of an operation spec; the catalog is not needed. */
  public static String idOf(Operation operation) {
    return ChangeKinds.idOf(operation);
  }

  /**
   * Whether a recorded operation is finished for good: cleaned up, or contracted for a kind whose
   * contract cannot be reversed. Nothing of it is undone, not even by Abandon or deletion.
   */
  public static boolean isFinal(OperationRecord record) {
    if (OperationStates.CLEANED.equals(record.state())
        || OperationStates.CLEANING.equals(record.state())) {
      return true;
    }
    if (!OperationStates.CONTRACTED.equals(record.state())) {
      return false;
    }
    Operation op = Serialization.unmarshal(record.specJson(), Operation.class);
    return ChangeKinds.of(op).map(k -> !k.reversibleContract(record)).orElse(true);
  }

  public Resolution resolve(
      List<Operation> operations, boolean allowRawSql, Map<String, OperationRecord> recorded)
      throws SQLException {
    var changes = new ArrayList<DesiredChange>();
    var problems = new ArrayList<String>();
    Map<String, List<ColumnInfo>> pending = new HashMap<>();
    var rawSql = new ArrayList<String>();
    Map<String, String> restructured = new HashMap<>();
    Map<String, Integer> renamed = new HashMap<>();
    for (int i = 0; i < operations.size(); i++) {
      renamedTables(ChangeKinds.of(operations.get(i)).orElseThrow(), operations.get(i), i, renamed);
    }
    for (int i = 0; i < operations.size(); i++) {
      for (String table :
          tables(ChangeKinds.of(operations.get(i)).orElseThrow(), operations.get(i))) {
        Integer renamer = renamed.get(table);
        if (renamer != null && renamer != i) {
          problems.add(
              "spec.operations["
                  + i
                  + "]: table "
                  + table
                  + " is renamed by spec.operations["
                  + renamer
                  + "]; put the rename in its own DatabaseMigration");
        }
      }
    }
    for (int i = 0; i < operations.size(); i++) {
      Operation op = operations.get(i);
      ChangeKind<?> kind = ChangeKinds.of(op).orElseThrow();
      changes.add(
          resolve(kind, op, i, allowRawSql, recorded, problems, pending, rawSql, restructured));
    }
    return new Resolution(changes, problems);
  }

  private <S> DesiredChange resolve(
      ChangeKind<S> kind,
      Operation op,
      int index,
      boolean allowRawSql,
      Map<String, OperationRecord> recorded,
      List<String> problems,
      Map<String, List<ColumnInfo>> pending,
      List<String> rawSql,
      Map<String, String> restructured)
      throws SQLException {
    S spec = kind.spec(op);
    String field = "spec.operations[" + index + "]." + kind.name();
    String id = kind.id(spec);
    String json = Serialization.asJson(op);
    OperationRecord record = recorded.get(id);
    var sink = new SpecProblems(field, problems);
    for (String column : kind.restructures(spec)) {
      String earlier = restructured.putIfAbsent(column, "spec.operations[" + index + "]");
      if (earlier != null) {
        sink.add(
            "",
            "column "
                + column
                + " is already renamed, retyped or dropped by "
                + earlier
                + "; put the second change in a later DatabaseMigration");
      }
    }
    SchemaChange change = null;
    if (record == null || !isFinal(record)) {
      var context =
          new ResolveContext(
              catalog, probe, record, sink, pending, List.copyOf(rawSql), allowRawSql);
      change = sink.any() ? null : kind.resolve(spec, context).orElse(null);
    }
    if (record == null) {
      for (var added : kind.addsColumns(spec)) {
        pending
            .computeIfAbsent(added.schema() + "." + added.table(), k -> new ArrayList<>())
            .add(added.column());
      }
    }
    if (op.getSql() != null) {
      rawSql.add(op.getSql().getUp());
    }
    return new DesiredChange(index, id, kind.name(), json, change);
  }

  private static <S> void renamedTables(
      ChangeKind<S> kind, Operation op, int index, Map<String, Integer> renamed) {
    if (kind.renamesTables()) {
      kind.tables(kind.spec(op)).forEach(t -> renamed.putIfAbsent(t, index));
    }
  }

  private static <S> List<String> tables(ChangeKind<S> kind, Operation op) {
    var tables = new ArrayList<>(kind.tables(kind.spec(op)));
    if (op.getAddForeignKey() != null && op.getAddForeignKey().getReferences() != null) {
      var r = op.getAddForeignKey().getReferences();
      tables.add(r.getSchema() + "." + r.getTable());
    }
    return tables;
  }

  /** Rebuilds a recorded operation that left the spec, so that its expansion can be undone. */
  public Optional<SchemaChange> forRollback(OperationRecord record) throws SQLException {
    Operation op = Serialization.unmarshal(record.specJson(), Operation.class);
    return forUndo(ChangeKinds.of(op).orElseThrow(), op, record);
  }

  private <S> Optional<SchemaChange> forUndo(
      ChangeKind<S> kind, Operation op, OperationRecord record) throws SQLException {
    return kind.forUndo(kind.spec(op), catalog, record);
  }
}
