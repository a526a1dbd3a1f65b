package dev.dovetail.postgres.change;

import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.ExpressionProbe;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a kind needs to resolve one operation: the live catalog, the expression probe, what the
 * bookkeeping says this operation already did, the problems sink for its fields, and the columns
 * earlier operations of the same spec will add (so that {@code addColumn} then {@code createIndex}
 * on that column resolves before either ran).
 */
public final class ResolveContext {
  private final Catalog catalog;
  private final ExpressionProbe probe;
  private final OperationRecord record;
  private final SpecProblems problems;
  private final Map<String, List<ColumnInfo>> pendingColumns;
  private final List<String> earlierRawSql;
  private final boolean allowRawSql;

  ResolveContext(
      Catalog catalog,
      ExpressionProbe probe,
      OperationRecord record,
      SpecProblems problems,
      Map<String, List<ColumnInfo>> pendingColumns,
      List<String> earlierRawSql,
      boolean allowRawSql) {
    this.catalog = catalog;
    this.probe = probe;
    this.record = record;
    this.problems = problems;
    this.pendingColumns = pendingColumns;
    this.earlierRawSql = earlierRawSql;
    this.allowRawSql = allowRawSql;
  }

  public Catalog catalog() {
    return catalog;
  }

  public ExpressionProbe probe() {
    return probe;
  }

  public SpecProblems problems() {
    return problems;
  }

  /** True once expand started for this operation: the catalog shows its work, not the start. */
  public boolean recorded() {
    return record != null;
  }

  /** The recorded state (expanding, expanded, validated, contracted, ...), or null. */
  public String state() {
    return record == null ? null : record.state();
  }

  /** What the operation's contract kept for its uncontract (JSON), or null. */
  public String keptForUncontract() {
    return record == null ? null : record.keptForUncontract();
  }

  public boolean allowRawSql() {
    return allowRawSql;
  }

  /** The up scripts of sql operations earlier in the spec, in order. */
  public List<String> earlierRawSql() {
    return earlierRawSql;
  }

  /**
   * The table with the columns earlier operations of this spec will add, or empty (and a problem).
   */
  public Optional<TableInfo> table(String schema, String table, String field) throws SQLException {
    Optional<TableInfo> found = catalog.table(schema, table);
    if (found.isEmpty()) {
      problems.add(field, "table " + schema + "." + table + " does not exist");
      return Optional.empty();
    }
    var pending = pendingColumns.get(schema + "." + table);
    if (pending == null) {
      return found;
    }
    TableInfo t = found.get();
    var columns = new ArrayList<>(t.columns());
    for (ColumnInfo c : pending) {
      if (t.column(c.name()).isEmpty()) {
        columns.add(c);
      }
    }
    return Optional.of(
        new TableInfo(t.schema(), t.name(), columns, t.primaryKey(), t.estimatedRows()));
  }

  /**
   * The table's single-column primary key, for kinds that backfill or name rows by key; adds a
   * problem and returns empty when there is none.
   */
  public Optional<String> singleKey(TableInfo t, String field, String kind) {
    if (t.primaryKey().size() != 1) {
      problems.add(
          field,
          t.schema()
              + "."
              + t.name()
              + (t.primaryKey().isEmpty() ? " has no primary key" : " has a composite primary key")
              + "; "
              + kind
              + " needs a single-column primary key for its keyset backfill");
      return Optional.empty();
    }
    return Optional.of(t.primaryKey().get(0));
  }
}
