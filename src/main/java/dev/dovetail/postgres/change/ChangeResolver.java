package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns spec operations into {@link SchemaChange}s using the live catalog, and says what is wrong
 * with them (each problem names the spec field). Operations already recorded as expanded are
 * checked against what expand created, not against a fresh table.
 */
public final class ChangeResolver {

  /** The result: changes in spec order, and problems (empty when the spec can run). */
  public record Resolution(List<DesiredChange> changes, List<String> problems) {}

  private final Catalog catalog;

  public ChangeResolver(Catalog catalog) {
    this.catalog = catalog;
  }

  /** Stable identity of an operation spec; the catalog is not needed. */
  public static String idOf(Operation operation) {
    if (operation.getRenameColumn() != null) {
      return RenameColumnChange.idOf(operation.getRenameColumn());
    }
    throw new IllegalArgumentException("operation sets no known kind");
  }

  public Resolution resolve(List<Operation> operations, Map<String, OperationRecord> recorded)
      throws SQLException {
    var changes = new ArrayList<DesiredChange>();
    var problems = new ArrayList<String>();
    for (int i = 0; i < operations.size(); i++) {
      Operation op = operations.get(i);
      String field = "spec.operations[" + i + "]." + op.kind();
      String id = idOf(op);
      OperationRecord record = recorded.get(id);
      String json = Serialization.asJson(op);
      if (record != null && "contracted".equals(record.state())) {
        changes.add(new DesiredChange(i, id, op.kind(), json, null));
        continue;
      }
      var change = renameColumn(op.getRenameColumn(), field, record != null, problems);
      changes.add(new DesiredChange(i, id, op.kind(), json, change.orElse(null)));
    }
    return new Resolution(changes, problems);
  }

  /** Rebuilds a recorded operation that left the spec, so that its expansion can be undone. */
  public Optional<SchemaChange> forRollback(OperationRecord record) throws SQLException {
    Operation op = Serialization.unmarshal(record.specJson(), Operation.class);
    RenameColumn spec = op.getRenameColumn();
    var table = catalog.table(spec.getSchema(), spec.getTable());
    if (table.isEmpty()) {
      return Optional.empty(); // the table is gone: nothing of ours is left on it
    }
    return Optional.of(
        new RenameColumnChange(spec, table.get(), table.get().column(spec.getFrom()).orElse(null)));
  }

  private Optional<SchemaChange> renameColumn(
      RenameColumn spec, String field, boolean expanded, List<String> problems)
      throws SQLException {
    String name = spec.getSchema() + "." + spec.getTable();
    Optional<TableInfo> table = catalog.table(spec.getSchema(), spec.getTable());
    if (table.isEmpty()) {
      problems.add(field + ".table: table " + name + " does not exist");
      return Optional.empty();
    }
    TableInfo t = table.get();
    if (t.primaryKey().size() != 1) {
      problems.add(
          field
              + ".table: "
              + name
              + (t.primaryKey().isEmpty() ? " has no primary key" : " has a composite primary key")
              + "; renameColumn needs a single-column primary key for its keyset backfill");
      return Optional.empty();
    }
    var from = t.column(spec.getFrom());
    if (from.isEmpty()) {
      problems.add(field + ".from: column " + spec.getFrom() + " does not exist in " + name);
      return Optional.empty();
    }
    if (t.primaryKey().get(0).equals(spec.getFrom())) {
      problems.add(
          field + ".from: " + spec.getFrom() + " is the primary key; renaming it is not supported");
      return Optional.empty();
    }
    boolean toExists = t.column(spec.getTo()).isPresent();
    if (!expanded && toExists) {
      problems.add(field + ".to: column " + spec.getTo() + " already exists in " + name);
      return Optional.empty();
    }
    if (expanded && !toExists) {
      problems.add(
          field
              + ".to: column "
              + spec.getTo()
              + " was created by expand but is missing from "
              + name
              + "; it was dropped outside Dovetail");
      return Optional.empty();
    }
    return Optional.of(new RenameColumnChange(spec, t, from.get()));
  }
}
