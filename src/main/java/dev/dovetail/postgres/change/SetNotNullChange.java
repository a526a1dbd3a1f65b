package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.SetNotNull;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * setNotNull: CHECK (column IS NOT NULL) NOT VALID at expand (with {@code value}, a trigger first
 * replaces NULLs written by any application, and the backfill replaces existing ones), VALIDATE
 * after the backfill, SET NOT NULL at contract — no scan, the validated check proves it — and the
 * check and trigger are dropped at cleanup. Until cleanup, moving back to Expand drops NOT NULL
 * again.
 */
final class SetNotNullChange implements SchemaChange {
  static final ChangeKind<SetNotNull> KIND =
      new ChangeKind<>("setNotNull", Operation::getSetNotNull) {
        @Override
        protected List<String> identity(SetNotNull s) {
          return List.of(s.getSchema(), s.getTable(), s.getColumn(), String.valueOf(s.getValue()));
        }

        @Override
        protected void validate(SetNotNull s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("column", s.getColumn());
          p.expression("value", s.getValue(), false);
        }

        @Override
        protected Optional<SchemaChange> resolve(SetNotNull s, ResolveContext ctx)
            throws SQLException {
          return SetNotNullChange.resolve(s, ctx);
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            SetNotNull s, Catalog catalog, OperationRecord record) throws SQLException {
          return catalog
              .table(s.getSchema(), s.getTable())
              .map(t -> new SetNotNullChange(s, KIND.id(s), t));
        }
      };

  private final SetNotNull spec;
  private final String id;
  private final TableInfo table;

  private SetNotNullChange(SetNotNull spec, String id, TableInfo table) {
    this.spec = spec;
    this.id = id;
    this.table = table;
  }

  private static Optional<SchemaChange> resolve(SetNotNull s, ResolveContext ctx)
      throws SQLException {
    var p = ctx.problems();
    Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableInfo t = table.get();
    if (s.getValue() != null && ctx.singleKey(t, "table", "setNotNull with a value").isEmpty()) {
      return Optional.empty();
    }
    Optional<ColumnInfo> column = t.column(s.getColumn());
    if (column.isEmpty()) {
      p.add(
          "column",
          "column " + s.getColumn() + " does not exist in " + t.schema() + "." + t.name());
      return Optional.empty();
    }
    if (!ctx.recorded()) {
      if (column.get().notNull()) {
        p.add("column", "column " + s.getColumn() + " is already NOT NULL");
        return Optional.empty();
      }
      if (s.getValue() != null) {
        ctx.probe()
            .valueProblem(s.getValue(), column.get().type())
            .ifPresent(m -> p.add("value", m));
      }
    }
    return p.any() ? Optional.empty() : Optional.of(new SetNotNullChange(s, KIND.id(s), t));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "setNotNull";
  }

  @Override
  public String describe() {
    return "setNotNull %s.%s.%s".formatted(spec.getSchema(), spec.getTable(), spec.getColumn());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private String column() {
    return ident(spec.getColumn());
  }

  private String check() {
    return ident("dovetail_nn_" + id);
  }

  private boolean fills() {
    return spec.getValue() != null;
  }

  @Override
  public List<DdlStep> expand() {
    var statements = new ArrayList<Ddl>();
    if (fills()) {
      statements.add(
          Triggers.createFunction(
              id,
              """
              BEGIN
              %3$s
                IF NEW.%1$s IS NULL THEN
                  NEW.%1$s := (%2$s);
                END IF;
                RETURN NEW;
              END"""
                  .formatted(column(), spec.getValue(), Triggers.skipBackfill(id))));
      statements.add(Triggers.createTrigger(id, lockedTable(), "INSERT OR UPDATE"));
    }
    statements.add(
        Ddl.of(
            "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID"
                .formatted(lockedTable(), check(), column()),
            Locks.ADD_NOT_VALID,
            fills()
                ? "NULLs written from now on become the value"
                : "from now on, writing NULL into the column fails"));
    return List.of(InTransaction.of(statements));
  }

  @Override
  public Optional<BackfillTarget> backfill() {
    if (!fills()) {
      return Optional.empty();
    }
    String key = table.primaryKey().get(0);
    return Optional.of(
        new BackfillTarget(
            id,
            spec.getSchema(),
            spec.getTable(),
            key,
            table.column(key).orElseThrow().type(),
            "%s = (%s)".formatted(column(), spec.getValue()),
            column() + " IS NULL",
            column() + " IS NULL"));
  }

  @Override
  public List<DdlStep> afterBackfill() {
    return List.of(
        new InTransaction(
            List.of(
                Ddl.of(
                    "ALTER TABLE %s VALIDATE CONSTRAINT %s".formatted(lockedTable(), check()),
                    Locks.VALIDATE,
                    fills() ? "scans the table" : "scans the table; fails if any row is NULL")),
            Violations.rows(
                lockedTable(),
                Columns.rowKey(table),
                column() + " IS NULL",
                "rows where " + spec.getColumn() + " is NULL (give setNotNull.value to fill them)"),
            Triggers.VALIDATE_TIMEOUT));
  }

  @Override
  public List<DdlStep> contract() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL".formatted(lockedTable(), column()),
                Locks.SET_NOT_NULL)));
  }

  @Override
  public List<DdlStep> uncontract() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL".formatted(lockedTable(), column()),
                Locks.SET_NOT_NULL)));
  }

  @Override
  public List<DdlStep> cleanup() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s".formatted(lockedTable(), check()),
            Locks.DROP_CONSTRAINT));
    if (fills()) {
      statements.add(Triggers.dropTrigger(id, lockedTable()));
      statements.add(Triggers.dropFunction(id));
    }
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> rollback() {
    var statements = new ArrayList<Ddl>();
    if (fills()) {
      statements.add(Triggers.dropTrigger(id, lockedTable()));
      statements.add(Triggers.dropFunction(id));
    }
    statements.add(
        Ddl.of(
            "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s".formatted(lockedTable(), check()),
            Locks.DROP_CONSTRAINT,
            fills() ? "rows the backfill filled keep their value" : null));
    return List.of(InTransaction.of(statements));
  }
}
