package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.OperationRecord;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One operation kind: where its spec sits in {@link Operation}, its identity, its spec-only
 * validation, and how it becomes a {@link SchemaChange} against the catalog. Listed once in {@link
 * ChangeKinds}; nothing else branches on the kind.
 *
 * @param <S> the kind's spec type, e.g. AddColumn
 */
public abstract class ChangeKind<S> {
  private final String name;
  private final Function<Operation, S> getter;

  protected ChangeKind(String name, Function<Operation, S> getter) {
    this.name = name;
    this.getter = getter;
  }

  /** The kind's field name in YAML, e.g. addColumn. */
  public final String name() {
    return name;
  }

  /** This kind's spec in the operation, or null when the operation is of another kind. */
  public final S spec(Operation op) {
    return getter.apply(op);
  }

  /** The fields that identify the operation: a change to any of them makes a new operation. */
  protected abstract List<String> identity(S spec);

  public final String id(S spec) {
    return ChangeIds.of(
        name, identity(spec).stream().map(f -> f == null ? "" : f).toArray(String[]::new));
  }

  /** Problems visible in the spec alone (identifiers, expressions' shape), naming fields. */
  protected abstract void validate(S spec, SpecProblems problems);

  /** The change against the live catalog, or empty after adding problems naming fields. */
  protected abstract Optional<SchemaChange> resolve(S spec, ResolveContext context)
      throws SQLException;

  /**
   * The change rebuilt to undo it after it left the spec (or the spec moved to Abandon), from the
   * recorded spec, its bookkeeping {@code record} (e.g. what contract kept for uncontract) and
   * whatever the catalog still shows; empty when nothing of it can be left.
   */
  protected abstract Optional<SchemaChange> forUndo(S spec, Catalog catalog, OperationRecord record)
      throws SQLException;

  /** Columns expand adds, as schema.table → column, so later operations can refer to them. */
  protected List<AddedColumn> addsColumns(S spec) {
    return List.of();
  }

  /** Columns whose name or type this operation changes, as schema.table.column. */
  protected List<String> restructures(S spec) {
    return List.of();
  }

  /** Tables the operation works on, as schema.table. */
  protected List<String> tables(S spec) {
    return spec instanceof dev.dovetail.api.v1alpha1.TableTarget t
        ? List.of(t.getSchema() + "." + t.getTable())
        : List.of();
  }

  /** Whether the operation changes the name of its tables (no other operation may use them). */
  protected boolean renamesTables() {
    return false;
  }

  /**
   * Whether this contracted operation can still be undone until its cleanup: true unless its
   * contract dropped something {@link SchemaChange#uncontract()} cannot rebuild from the record.
   * Kinds with nothing to undo at contract are reversible too (their uncontract is empty).
   */
  protected boolean reversibleContract(OperationRecord record) {
    return true;
  }

  /** A column that expand will add. */
  protected record AddedColumn(String schema, String table, ColumnInfo column) {}
}
