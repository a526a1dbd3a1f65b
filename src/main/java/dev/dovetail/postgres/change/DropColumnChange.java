package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.DropColumn;
import dev.dovetail.api.v1alpha1.Operation;
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
 * dropColumn. Expand removes nothing: when the column must have a value in rows the new application
 * inserts without it (NOT NULL without a default, or a {@code down} given), a BEFORE INSERT trigger
 * fills it with {@code down}; otherwise expand changes nothing at all. Contract hides the column by
 * renaming it to dovetail_dropped_&lt;id&gt; (data kept, trigger kept), so that moving back to
 * Expand restores it; cleanup drops it after spec.cleanupAfter.
 */
final class DropColumnChange implements SchemaChange {
  static final ChangeKind<DropColumn> KIND =
      new ChangeKind<>("dropColumn", Operation::getDropColumn) {
        @Override
        protected List<String> identity(DropColumn s) {
          return List.of(s.getSchema(), s.getTable(), s.getColumn(), String.valueOf(s.getDown()));
        }

        @Override
        protected void validate(DropColumn s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("column", s.getColumn());
          p.expression("down", s.getDown(), false);
        }

        @Override
        protected Optional<SchemaChange> resolve(DropColumn s, ResolveContext ctx)
            throws SQLException {
          return DropColumnChange.resolve(s, ctx);
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            DropColumn s, Catalog catalog, OperationRecord record) throws SQLException {
          var t = catalog.table(s.getSchema(), s.getTable());
          return t.map(table -> new DropColumnChange(s, KIND.id(s), s.getDown() != null));
        }

        @Override
        protected List<String> restructures(DropColumn s) {
          return List.of(s.getSchema() + "." + s.getTable() + "." + s.getColumn());
        }
      };

  private final DropColumn spec;
  private final String id;
  private final boolean fills;

  private DropColumnChange(DropColumn spec, String id, boolean fills) {
    this.spec = spec;
    this.id = id;
    this.fills = fills;
  }

  private static Optional<SchemaChange> resolve(DropColumn s, ResolveContext ctx)
      throws SQLException {
    var p = ctx.problems();
    Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableInfo t = table.get();
    String id = KIND.id(s);
    boolean hidden = HiddenColumns.hidden(ctx.state());
    String present = hidden ? hiddenName(id) : s.getColumn();
    Optional<ColumnInfo> column = t.column(present);
    String name = t.schema() + "." + t.name();
    if (column.isEmpty()) {
      p.add("column", "column " + present + " does not exist in " + name);
      return Optional.empty();
    }
    if (ctx.recorded()) {
      return Optional.of(new DropColumnChange(s, id, s.getDown() != null));
    }
    ColumnInfo c = column.get();
    if (t.primaryKey().contains(c.name())) {
      p.add(
          "column", c.name() + " is part of the primary key of " + name + "; it cannot be dropped");
      return Optional.empty();
    }
    var references = ctx.catalog().foreignKeysReferencing(t.schema(), t.name(), c.name());
    if (!references.isEmpty()) {
      p.add(
          "column", "foreign keys reference " + c.name() + ": " + references + "; drop them first");
    }
    var views = ctx.catalog().dependentViews(t.schema(), t.name(), c.name());
    if (!views.isEmpty()) {
      p.add("column", "views read " + c.name() + ": " + views + "; change them first");
    }
    if (s.getDown() == null && c.notNull() && c.defaultExpression() == null) {
      p.add(
          "down",
          "column "
              + c.name()
              + " is NOT NULL without a default, so the new application's inserts would fail;"
              + " give down: the value it gets in rows inserted without it");
    }
    if (s.getDown() != null) {
      ctx.probe().valueProblem(s.getDown(), c.type()).ifPresent(m -> p.add("down", m));
    }
    return p.any()
        ? Optional.empty()
        : Optional.of(new DropColumnChange(s, id, s.getDown() != null));
  }

  static String hiddenName(String id) {
    return "dovetail_dropped_" + id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "dropColumn";
  }

  @Override
  public String describe() {
    return "dropColumn %s.%s.%s".formatted(spec.getSchema(), spec.getTable(), spec.getColumn());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  /** Fills the column, under whichever name it has, in rows inserted without it. */
  private Ddl fillFunction(String column) {
    return Triggers.createFunction(
        id,
        """
        BEGIN
          IF NEW.%1$s IS NULL THEN
            NEW.%1$s := (%2$s);
          END IF;
          RETURN NEW;
        END"""
            .formatted(ident(column), spec.getDown()));
  }

  @Override
  public List<DdlStep> expand() {
    if (!fills) {
      return List.of(); // nothing to add: the new application simply stops using the column
    }
    return List.of(
        InTransaction.of(
            fillFunction(spec.getColumn()), Triggers.createTrigger(id, lockedTable(), "INSERT")));
  }

  @Override
  public List<DdlStep> contract() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s"
                .formatted(lockedTable(), ident(spec.getColumn()), ident(hiddenName(id))),
            Locks.RENAME,
            "the old application must be stopped: the column is hidden (data kept until cleanup)"));
    if (fills) {
      statements.add(fillFunction(hiddenName(id)));
    }
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> uncontract() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s"
                .formatted(lockedTable(), ident(hiddenName(id)), ident(spec.getColumn())),
            Locks.RENAME));
    if (fills) {
      statements.add(fillFunction(spec.getColumn()));
    }
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> cleanup() {
    return List.of(
        InTransaction.of(
            Triggers.dropTrigger(id, lockedTable()),
            Triggers.dropFunction(id),
            Ddl.of(
                "ALTER TABLE %s DROP COLUMN IF EXISTS %s"
                    .formatted(lockedTable(), ident(hiddenName(id))),
                Locks.DROP_COLUMN,
                "irreversible: the column's data is gone")));
  }

  @Override
  public List<DdlStep> rollback() {
    return fills
        ? List.of(
            InTransaction.of(Triggers.dropTrigger(id, lockedTable()), Triggers.dropFunction(id)))
        : List.of();
  }
}
