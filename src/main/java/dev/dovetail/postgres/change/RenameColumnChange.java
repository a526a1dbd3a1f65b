package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.GrantInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * renameColumn.
 *
 * <ul>
 *   <li>Expand: a new column {@code to} kept equal to {@code from} by a two-way trigger while both
 *       application versions run; for a NOT NULL column, CHECK ({@code to} IS NOT NULL) NOT VALID.
 *       Backfill, VALIDATE, verification.
 *   <li>Contract, one short transaction: {@code from} is hidden (renamed to
 *       dovetail_old_&lt;id&gt;, data kept), its default and NOT NULL move onto {@code to} (no
 *       scan: the validated check proves it), and the trigger now copies {@code to} into the hidden
 *       column on every write. Until cleanup, setting phase back to Expand renames it back: every
 *       row, including those written while contracted, has {@code from} equal to {@code to}, so the
 *       old application version can come back.
 *   <li>Cleanup (after spec.cleanupAfter; at once with the default 0s): the hidden column, trigger
 *       and check are dropped.
 * </ul>
 */
public final class RenameColumnChange implements SchemaChange {
  static final ChangeKind<RenameColumn> KIND =
      new ChangeKind<>("renameColumn", Operation::getRenameColumn) {
        @Override
        protected List<String> identity(RenameColumn s) {
          return List.of(s.getSchema(), s.getTable(), s.getFrom(), s.getTo());
        }

        @Override
        protected void validate(RenameColumn s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("from", s.getFrom());
          p.identifier("to", s.getTo());
          if (s.getFrom() != null && s.getFrom().equals(s.getTo())) {
            p.add("to", "must differ from from");
          }
        }

        @Override
        protected Optional<SchemaChange> resolve(RenameColumn s, ResolveContext ctx)
            throws SQLException {
          return RenameColumnChange.resolve(s, ctx);
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            RenameColumn s, Catalog catalog, OperationRecord record) throws SQLException {
          var table = catalog.table(s.getSchema(), s.getTable());
          // Before contract the old column has its name; after, the hidden column is it.
          if (table.isEmpty()) {
            return Optional.empty();
          }
          var t = table.get();
          return Optional.of(
              new RenameColumnChange(
                  s,
                  t,
                  t.column(HiddenColumns.oldColumn(KIND.id(s)))
                      .or(() -> t.column(s.getFrom()))
                      .orElse(new ColumnInfo(s.getFrom(), "unknown", false, null)),
                  catalog.grants(s.getSchema(), s.getTable())));
        }

        @Override
        protected List<AddedColumn> addsColumns(RenameColumn s) {
          return List.of(
              new AddedColumn(
                  s.getSchema(), s.getTable(), new ColumnInfo(s.getTo(), "unknown", false, null)));
        }

        @Override
        protected List<String> restructures(RenameColumn s) {
          return List.of(s.getSchema() + "." + s.getTable() + "." + s.getFrom());
        }
      };

  private final RenameColumn spec;
  private final TableInfo table;
  private final ColumnInfo oldColumn;
  private final String id;
  private final List<GrantInfo> grants;

  /**
   * @param table the table as the catalog shows it now
   * @param oldColumn the {@code from} column's definition: from the catalog before contract, or
   *     recorded at expand time
   */
  public RenameColumnChange(RenameColumn spec, TableInfo table, ColumnInfo oldColumn) {
    this(spec, table, oldColumn, List.of());
  }

  /**
   * @param grants the table's grants (Catalog.grants): {@code to} gets the column privileges of the
   *     old column, so a role granted only some columns can use the new name
   */
  RenameColumnChange(
      RenameColumn spec, TableInfo table, ColumnInfo oldColumn, List<GrantInfo> grants) {
    this.spec = spec;
    this.table = table;
    this.oldColumn = oldColumn;
    this.id = idOf(spec);
    this.grants = List.copyOf(grants);
  }

  /** The identity of a renameColumn spec, computable without the catalog. */
  public static String idOf(RenameColumn spec) {
    return KIND.id(spec);
  }

  private static Optional<SchemaChange> resolve(RenameColumn spec, ResolveContext ctx)
      throws SQLException {
    var p = ctx.problems();
    String name = spec.getSchema() + "." + spec.getTable();
    Optional<TableInfo> table = ctx.table(spec.getSchema(), spec.getTable(), "table");
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableInfo t = table.get();
    if (ctx.singleKey(t, "table", "renameColumn").isEmpty()) {
      return Optional.empty();
    }
    String fromName =
        HiddenColumns.hidden(ctx.state()) ? HiddenColumns.oldColumn(idOf(spec)) : spec.getFrom();
    var from = t.column(fromName);
    if (from.isEmpty()) {
      p.add(
          "from",
          fromName.equals(spec.getFrom())
              ? "column " + spec.getFrom() + " does not exist in " + name
              : "column "
                  + fromName
                  + " (where contract hid "
                  + spec.getFrom()
                  + ") is missing from "
                  + name
                  + "; it was dropped outside Dovetail");
      return Optional.empty();
    }
    if (t.primaryKey().get(0).equals(spec.getFrom())) {
      p.add("from", spec.getFrom() + " is the primary key; renaming it is not supported");
      return Optional.empty();
    }
    boolean toExists = t.column(spec.getTo()).isPresent();
    if (!ctx.recorded() && toExists) {
      p.add("to", "column " + spec.getTo() + " already exists in " + name);
      return Optional.empty();
    }
    if (ctx.recorded() && !toExists) {
      p.add(
          "to",
          "column "
              + spec.getTo()
              + " was created by expand but is missing from "
              + name
              + "; it was dropped outside Dovetail");
      return Optional.empty();
    }
    return Optional.of(
        new RenameColumnChange(
            spec, t, from.get(), ctx.catalog().grants(spec.getSchema(), spec.getTable())));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "renameColumn";
  }

  @Override
  public String describe() {
    return "renameColumn %s.%s.%s → %s"
        .formatted(spec.getSchema(), spec.getTable(), spec.getFrom(), spec.getTo());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private String from() {
    return ident(spec.getFrom());
  }

  private String to() {
    return ident(spec.getTo());
  }

  private String hiddenFrom() {
    return ident(HiddenColumns.oldColumn(id));
  }

  private String notNullCheck() {
    return ident("dovetail_nn_" + id);
  }

  @Override
  public List<DdlStep> expand() {
    var statements = new ArrayList<Ddl>();
    // No default on the new column: a default would make "which side did the application
    // write?" undecidable in the trigger. The default moves over at contract.
    statements.add(
        Ddl.of(
            "ALTER TABLE %s ADD COLUMN %s %s".formatted(lockedTable(), to(), oldColumn.type()),
            Locks.ADD_COLUMN));
    statements.addAll(Grants.copyColumn(grants, oldColumn.name(), spec.getTo(), lockedTable()));
    statements.add(forwardSync());
    statements.add(Triggers.createTrigger(id, lockedTable(), "INSERT OR UPDATE"));
    if (oldColumn.notNull()) {
      // Checked for new rows at once, proven for old rows by VALIDATE after the backfill, so
      // that SET NOT NULL at contract needs no scan under an exclusive lock.
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID"
                  .formatted(lockedTable(), notNullCheck(), to()),
              Locks.ADD_NOT_VALID));
    }
    return List.of(InTransaction.of(statements));
  }

  /**
   * Keeps both columns equal whichever application writes. INSERT: copy the side that was given.
   * UPDATE: the side that changed wins (IS DISTINCT FROM, so NULLs count as values); a row not yet
   * backfilled gets its new side on any update. The backfill's own session is skipped: its batch
   * writes the converted value itself.
   */
  private Ddl forwardSync() {
    return Triggers.createFunction(id, syncBody());
  }

  private String syncBody() {
    String oldDefaultTest =
        oldColumn.defaultExpression() == null || oldColumn.defaultExpression().contains("nextval(")
            ? ""
            : " OR NEW.%s IS NOT DISTINCT FROM (%s)"
                .formatted(from(), oldColumn.defaultExpression());
    return """
        BEGIN
        %4$s
          IF TG_OP = 'INSERT' THEN
            IF NEW.%2$s IS NULL THEN
              NEW.%2$s := NEW.%1$s;
            ELSIF NEW.%1$s IS NULL%3$s THEN
              NEW.%1$s := NEW.%2$s;
            END IF;
          ELSIF NEW.%1$s IS DISTINCT FROM OLD.%1$s AND NEW.%2$s IS NOT DISTINCT FROM OLD.%2$s THEN
            NEW.%2$s := NEW.%1$s;
          ELSIF NEW.%2$s IS DISTINCT FROM OLD.%2$s AND NEW.%1$s IS NOT DISTINCT FROM OLD.%1$s THEN
            NEW.%1$s := NEW.%2$s;
          ELSIF NEW.%2$s IS NULL AND NEW.%1$s IS NOT NULL THEN
            NEW.%2$s := NEW.%1$s;
          END IF;
          RETURN NEW;
        END"""
        .formatted(from(), to(), oldDefaultTest, Triggers.skipBackfill(id));
  }

  @Override
  public Optional<BackfillTarget> backfill() {
    String key = table.primaryKey().get(0);
    String keyType = table.column(key).orElseThrow().type();
    return Optional.of(
        new BackfillTarget(
            id,
            spec.getSchema(),
            spec.getTable(),
            key,
            keyType,
            "%s = %s".formatted(to(), from()),
            "%s IS DISTINCT FROM %s".formatted(to(), from()),
            "%s IS NULL AND %s IS NOT NULL".formatted(to(), from())));
  }

  @Override
  public List<DdlStep> afterBackfill() {
    if (!oldColumn.notNull()) {
      return List.of();
    }
    String key = ident(table.primaryKey().get(0));
    return List.of(
        new InTransaction(
            List.of(
                Ddl.of(
                    "ALTER TABLE %s VALIDATE CONSTRAINT %s"
                        .formatted(lockedTable(), notNullCheck()),
                    Locks.VALIDATE,
                    "scans the table")),
            Violations.rows(
                lockedTable(), key, to() + " IS NULL", "rows where " + spec.getTo() + " is NULL"),
            Triggers.VALIDATE_TIMEOUT));
  }

  /**
   * While contracted only the new application writes: the hidden old column follows {@code to} on
   * every insert and update, so that renaming it back loses nothing.
   */
  private Ddl reverseSync() {
    return Triggers.createFunction(
        id,
        """
        BEGIN
          NEW.%s := NEW.%s;
          RETURN NEW;
        END"""
            .formatted(hiddenFrom(), to()));
  }

  @Override
  public List<DdlStep> contract() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s".formatted(lockedTable(), from(), hiddenFrom()),
            Locks.RENAME,
            "the old application must be stopped: the old column is hidden (data kept and kept in"
                + " sync until cleanup)"));
    if (oldColumn.defaultExpression() != null) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s"
                  .formatted(lockedTable(), to(), oldColumn.defaultExpression()),
              Locks.SET_DEFAULT));
    }
    if (oldColumn.notNull()) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL".formatted(lockedTable(), to()),
              Locks.SET_NOT_NULL));
    }
    statements.add(reverseSync());
    return List.of(InTransaction.of(statements));
  }

  /**
   * Back to the expanded schema exactly: {@code from} under its name, {@code to} as expand made it.
   */
  @Override
  public List<DdlStep> uncontract() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME COLUMN %s TO %s".formatted(lockedTable(), hiddenFrom(), from()),
            Locks.RENAME,
            "values written since contract came over through the trigger"));
    if (oldColumn.defaultExpression() != null) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT".formatted(lockedTable(), to()),
              Locks.SET_DEFAULT));
    }
    if (oldColumn.notNull()) {
      // The validated check stays: it is part of the expanded schema.
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL".formatted(lockedTable(), to()),
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
            "ALTER TABLE %s DROP COLUMN IF EXISTS %s".formatted(lockedTable(), hiddenFrom()),
            Locks.DROP_COLUMN,
            "irreversible: the old column's data is gone"));
    if (oldColumn.notNull()) {
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
                "ALTER TABLE %s DROP COLUMN IF EXISTS %s".formatted(lockedTable(), to()),
                Locks.DROP_COLUMN)));
  }
}
