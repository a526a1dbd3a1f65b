package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.ChangeColumnType;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.GrantInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import dev.dovetail.postgres.lint.SqlText;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * changeColumnType. Both application versions use the column's own name throughout.
 *
 * <ul>
 *   <li>Expand: a shadow column dovetail_new_&lt;id&gt; of the new type, kept equal to {@code
 *       using(column)} by a trigger on every insert and update; for a NOT NULL column, CHECK
 *       (shadow IS NOT NULL) NOT VALID. Backfill, VALIDATE, verification (0 rows where the shadow
 *       differs from the conversion).
 *   <li>Contract, one short transaction under lock_timeout: the column is renamed to
 *       dovetail_old_&lt;id&gt; (hidden), the shadow takes the column's name, default and NOT NULL
 *       (no scan: the validated check proves it), and the trigger now keeps the hidden old column
 *       equal to {@code reverse(column)}. Until cleanup, setting phase back to Expand swaps back.
 *   <li>Cleanup (after spec.cleanupAfter): the hidden column, trigger and check are dropped.
 * </ul>
 */
final class ChangeColumnTypeChange implements SchemaChange {
  static final ChangeKind<ChangeColumnType> KIND =
      new ChangeKind<>("changeColumnType", Operation::getChangeColumnType) {
        @Override
        protected List<String> identity(ChangeColumnType s) {
          return List.of(
              s.getSchema(),
              s.getTable(),
              s.getColumn(),
              s.getType(),
              String.valueOf(s.getUsing()),
              String.valueOf(s.getReverse()));
        }

        @Override
        protected void validate(ChangeColumnType s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("column", s.getColumn());
          p.expression("type", s.getType(), true);
          p.expression("using", s.getUsing(), false);
          p.expression("reverse", s.getReverse(), false);
        }

        @Override
        protected Optional<SchemaChange> resolve(ChangeColumnType s, ResolveContext ctx)
            throws SQLException {
          return ChangeColumnTypeChange.resolve(s, ctx);
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            ChangeColumnType s, Catalog catalog, OperationRecord record) throws SQLException {
          var table = catalog.table(s.getSchema(), s.getTable());
          if (table.isEmpty()) {
            return Optional.empty();
          }
          TableInfo t = table.get();
          String id = KIND.id(s);
          // Before contract the column has the old type; after, the hidden column has it.
          var old = t.column(hidden(id)).or(() -> t.column(s.getColumn()));
          return Optional.of(
              new ChangeColumnTypeChange(
                  s,
                  id,
                  t,
                  old.orElse(new ColumnInfo(s.getColumn(), s.getType(), false, null)),
                  catalog.grants(s.getSchema(), s.getTable())));
        }

        @Override
        protected List<String> restructures(ChangeColumnType s) {
          return List.of(s.getSchema() + "." + s.getTable() + "." + s.getColumn());
        }
      };

  private final ChangeColumnType spec;
  private final String id;
  private final TableInfo table;
  private final ColumnInfo old;
  private final List<GrantInfo> grants;

  /**
   * @param old the column as it was before the change: its old type, NOT NULL and default
   * @param grants the table's grants (Catalog.grants): the shadow gets the column privileges of the
   *     old column, so a role granted only some columns keeps them once the shadow takes the
   *     column's name
   */
  private ChangeColumnTypeChange(
      ChangeColumnType spec, String id, TableInfo table, ColumnInfo old, List<GrantInfo> grants) {
    this.spec = spec;
    this.id = id;
    this.table = table;
    this.old = old;
    this.grants = List.copyOf(grants);
  }

  static String shadow(String id) {
    return "dovetail_new_" + id;
  }

  static String hidden(String id) {
    return HiddenColumns.oldColumn(id);
  }

  private static Optional<SchemaChange> resolve(ChangeColumnType s, ResolveContext ctx)
      throws SQLException {
    var p = ctx.problems();
    Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableInfo t = table.get();
    String id = KIND.id(s);
    String name = t.schema() + "." + t.name();
    if (ctx.singleKey(t, "table", "changeColumnType").isEmpty()) {
      return Optional.empty();
    }
    boolean swapped = HiddenColumns.hidden(ctx.state());
    String oldName = swapped ? hidden(id) : s.getColumn();
    Optional<ColumnInfo> column = t.column(oldName);
    if (column.isEmpty()) {
      p.add("column", "column " + oldName + " does not exist in " + name);
      return Optional.empty();
    }
    ColumnInfo c = column.get();
    if (ctx.recorded()) {
      if (!ctx.state().equals(OperationStates.EXPANDING)
          && t.column(swapped ? s.getColumn() : shadow(id)).isEmpty()) {
        p.add(
            "column",
            "the shadow column of "
                + s.getColumn()
                + " is missing from "
                + name
                + "; it was dropped outside Dovetail");
        return Optional.empty();
      }
      return Optional.of(
          new ChangeColumnTypeChange(
              s, id, t, c, ctx.catalog().grants(s.getSchema(), s.getTable())));
    }
    if (t.primaryKey().contains(c.name())) {
      p.add(
          "column",
          c.name() + " is (part of) the primary key; changeColumnType does not change keys");
      return Optional.empty();
    }
    for (var index : ctx.catalog().indexesOn(t.schema(), t.name())) {
      if (index.columns().contains(c.name())) {
        p.add(
            "column",
            "index "
                + index.name()
                + " uses "
                + c.name()
                + "; changeColumnType does not carry indexes over yet: drop it (dropIndex) and"
                + " recreate it (createIndex) around this migration");
      }
    }
    for (var constraint : ctx.catalog().constraints(t.schema(), t.name())) {
      if (constraint.columns().contains(c.name())) {
        p.add(
            "column",
            "constraint "
                + constraint.name()
                + " uses "
                + c.name()
                + "; drop it first and add it again after");
      }
    }
    var references = ctx.catalog().foreignKeysReferencing(t.schema(), t.name(), c.name());
    if (!references.isEmpty()) {
      p.add("column", "foreign keys reference " + c.name() + ": " + references);
    }
    var views = ctx.catalog().dependentViews(t.schema(), t.name(), c.name());
    if (!views.isEmpty()) {
      p.add("column", "views read " + c.name() + ": " + views + "; change them first");
    }
    if (c.defaultExpression() != null && c.defaultExpression().contains("nextval(")) {
      p.add(
          "column",
          c.name()
              + " takes its default from a sequence; changeColumnType does not move sequences");
    }
    if (p.any()) {
      return Optional.empty();
    }
    var probe = ctx.probe();
    var typeProblem = probe.typeProblem(s.getType());
    if (typeProblem.isPresent()) {
      p.add("type", typeProblem.get());
      return Optional.empty();
    }
    var change =
        new ChangeColumnTypeChange(s, id, t, c, ctx.catalog().grants(s.getSchema(), s.getTable()));
    probe
        .valueProblem(change.forward("CAST(NULL AS " + c.type() + ")"), s.getType())
        .ifPresent(m -> p.add("using", m));
    probe
        .valueProblem(change.reverse("CAST(NULL AS " + s.getType() + ")"), c.type())
        .ifPresent(m -> p.add("reverse", m));
    if (c.defaultExpression() != null) {
      probe
          .valueProblem(c.defaultExpression(), s.getType())
          .ifPresent(m -> p.add("column", "its default does not convert: " + m));
    }
    return p.any() ? Optional.empty() : Optional.of(change);
  }

  /** The new value from the old one, written as {@code value}. */
  String forward(String value) {
    String using =
        spec.getUsing() == null
            ? "CAST(%s AS %s)".formatted(ident(spec.getColumn()), spec.getType())
            : spec.getUsing();
    return "(" + SqlText.replaceColumn(using, spec.getColumn(), value) + ")";
  }

  /** The old value from the new one, written as {@code value}. */
  String reverse(String value) {
    String reverse =
        spec.getReverse() == null
            ? "CAST(%s AS %s)".formatted(ident(spec.getColumn()), old.type())
            : spec.getReverse();
    return "(" + SqlText.replaceColumn(reverse, spec.getColumn(), value) + ")";
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "changeColumnType";
  }

  @Override
  public String describe() {
    return "changeColumnType %s.%s.%s %s → %s"
        .formatted(spec.getSchema(), spec.getTable(), spec.getColumn(), old.type(), spec.getType());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private String column() {
    return ident(spec.getColumn());
  }

  private String shadowColumn() {
    return ident(shadow(id));
  }

  private String hiddenColumn() {
    return ident(hidden(id));
  }

  private String notNullCheck() {
    return ident("dovetail_nn_" + id);
  }

  /** Before the swap: the shadow follows the column, whichever application wrote it. */
  private Ddl forwardSync() {
    return Triggers.createFunction(
        id,
        """
        BEGIN
        %s
          NEW.%s := %s;
          RETURN NEW;
        END"""
            .formatted(Triggers.skipBackfill(id), shadowColumn(), forward("NEW." + column())));
  }

  /** After the swap: the hidden old column follows the column, so that swapping back is exact. */
  private Ddl reverseSync() {
    return Triggers.createFunction(
        id,
        """
        BEGIN
          NEW.%s := %s;
          RETURN NEW;
        END"""
            .formatted(hiddenColumn(), reverse("NEW." + column())));
  }

  @Override
  public List<DdlStep> expand() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s ADD COLUMN %s %s"
                .formatted(lockedTable(), shadowColumn(), spec.getType()),
            Locks.ADD_COLUMN));
    statements.addAll(Grants.copyColumn(grants, old.name(), shadow(id), lockedTable()));
    statements.add(forwardSync());
    statements.add(Triggers.createTrigger(id, lockedTable(), "INSERT OR UPDATE"));
    if (old.notNull()) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID"
                  .formatted(lockedTable(), notNullCheck(), shadowColumn()),
              Locks.ADD_NOT_VALID));
    }
    return List.of(InTransaction.of(statements));
  }

  @Override
  public Optional<BackfillTarget> backfill() {
    String key = table.primaryKey().get(0);
    String converted = forward(column());
    return Optional.of(
        new BackfillTarget(
            id,
            spec.getSchema(),
            spec.getTable(),
            key,
            table.column(key).orElseThrow().type(),
            "%s = %s".formatted(shadowColumn(), converted),
            "%s IS DISTINCT FROM %s".formatted(shadowColumn(), converted),
            "%s IS NULL AND %s IS NOT NULL".formatted(shadowColumn(), column())));
  }

  @Override
  public List<DdlStep> afterBackfill() {
    if (!old.notNull()) {
      return List.of();
    }
    return List.of(
        new InTransaction(
            List.of(
                Ddl.of(
                    "ALTER TABLE %s VALIDATE CONSTRAINT %s"
                        .formatted(lockedTable(), notNullCheck()),
                    Locks.VALIDATE,
                    "scans the table")),
            Violations.rows(
                lockedTable(),
                ident(table.primaryKey().get(0)),
                shadowColumn() + " IS NULL",
                "rows whose converted value is NULL"),
            Triggers.VALIDATE_TIMEOUT));
  }

  @Override
  public List<DdlStep> contract() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s"
                .formatted(lockedTable(), column(), hiddenColumn()),
            Locks.RENAME,
            "swap, one transaction: statements re-plan once; pgjdbc needs autosave=conservative (or"
                + " prepareThreshold=0) where a cached plan's result type changes"));
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s"
                .formatted(lockedTable(), shadowColumn(), column()),
            Locks.RENAME));
    if (old.defaultExpression() != null) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s"
                  .formatted(lockedTable(), column(), old.defaultExpression()),
              Locks.SET_DEFAULT));
    }
    if (old.notNull()) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL".formatted(lockedTable(), column()),
              Locks.SET_NOT_NULL));
    }
    statements.add(reverseSync());
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> uncontract() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s"
                .formatted(lockedTable(), column(), shadowColumn()),
            Locks.RENAME));
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s"
                .formatted(lockedTable(), hiddenColumn(), column()),
            Locks.RENAME,
            "values written since contract come back through reverse"));
    if (old.defaultExpression() != null) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT"
                  .formatted(lockedTable(), shadowColumn()),
              Locks.SET_DEFAULT));
    }
    if (old.notNull()) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL"
                  .formatted(lockedTable(), shadowColumn()),
              Locks.SET_NOT_NULL));
    }
    statements.add(forwardSync());
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> cleanup() {
    var statements = new ArrayList<Ddl>();
    statements.add(Triggers.dropTrigger(id, lockedTable()));
    statements.add(Triggers.dropFunction(id));
    statements.add(
        Ddl.of(
            "ALTER TABLE %s DROP COLUMN IF EXISTS %s".formatted(lockedTable(), hiddenColumn()),
            Locks.DROP_COLUMN,
            "irreversible: the old-typed values are gone"));
    if (old.notNull()) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s"
                  .formatted(lockedTable(), notNullCheck()),
              Locks.DROP_CONSTRAINT));
    }
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(
        InTransaction.of(
            Triggers.dropTrigger(id, lockedTable()),
            Triggers.dropFunction(id),
            Ddl.of(
                "ALTER TABLE %s DROP COLUMN IF EXISTS %s".formatted(lockedTable(), shadowColumn()),
                Locks.DROP_COLUMN)));
  }
}
