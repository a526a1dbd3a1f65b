package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.PlannedStatement;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * renameColumn: a new column {@code to} kept equal to {@code from} by a two-way trigger while both
 * application versions run, backfilled and verified; contract drops {@code from} after moving its
 * default and NOT NULL onto {@code to}.
 */
public final class RenameColumnChange implements SchemaChange {
  private final RenameColumn spec;
  private final TableInfo table;
  private final ColumnInfo oldColumn;
  private final String id;

  /**
   * @param table the table as the catalog shows it now
   * @param oldColumn the {@code from} column's definition: from the catalog before contract, or
   *     recorded at expand time
   */
  public RenameColumnChange(RenameColumn spec, TableInfo table, ColumnInfo oldColumn) {
    this.spec = spec;
    this.table = table;
    this.oldColumn = oldColumn;
    this.id =
        ChangeIds.of(
            "renameColumn", spec.getSchema(), spec.getTable(), spec.getFrom(), spec.getTo());
  }

  /** The identity of a renameColumn spec, computable without the catalog. */
  public static String idOf(RenameColumn spec) {
    return ChangeIds.of(
        "renameColumn", spec.getSchema(), spec.getTable(), spec.getFrom(), spec.getTo());
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

  private String function() {
    return qualified("dovetail", "sync_" + id);
  }

  private String trigger() {
    return ident("dovetail_sync_" + id);
  }

  private String notNullCheck() {
    return ident("dovetail_nn_" + id);
  }

  @Override
  public List<String> expandStatements() {
    var statements = new ArrayList<String>();
    // No default on the new column: a default would make "which side did the application
    // write?" undecidable in the trigger. The default moves over at contract.
    statements.add(
        "ALTER TABLE %s ADD COLUMN %s %s".formatted(lockedTable(), to(), oldColumn.type()));
    statements.add(syncFunction());
    statements.add(
        "CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()"
            .formatted(trigger(), lockedTable(), function()));
    if (oldColumn.notNull()) {
      // Checked for new rows at once, proven for old rows by VALIDATE after the backfill, so
      // that SET NOT NULL at contract needs no scan under an exclusive lock.
      statements.add(
          "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID"
              .formatted(lockedTable(), notNullCheck(), to()));
    }
    return statements;
  }

  /**
   * Keeps both columns equal whichever application writes. INSERT: copy the side that was given.
   * UPDATE: the side that changed wins (IS DISTINCT FROM, so NULLs count as values); a row not yet
   * backfilled gets its new side on any update. The backfill's own session is skipped: its batch
   * writes the converted value itself.
   */
  private String syncFunction() {
    String oldDefaultTest =
        oldColumn.defaultExpression() == null || oldColumn.defaultExpression().contains("nextval(")
            ? ""
            : " OR NEW.%s IS NOT DISTINCT FROM (%s)"
                .formatted(from(), oldColumn.defaultExpression());
    return """
        CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $dovetail$
        BEGIN
          IF current_setting('dovetail.backfill', true) = 'on' THEN
            RETURN NEW;
          END IF;
          IF TG_OP = 'INSERT' THEN
            IF NEW.%3$s IS NULL THEN
              NEW.%3$s := NEW.%2$s;
            ELSIF NEW.%2$s IS NULL%4$s THEN
              NEW.%2$s := NEW.%3$s;
            END IF;
          ELSIF NEW.%2$s IS DISTINCT FROM OLD.%2$s AND NEW.%3$s IS NOT DISTINCT FROM OLD.%3$s THEN
            NEW.%3$s := NEW.%2$s;
          ELSIF NEW.%3$s IS DISTINCT FROM OLD.%3$s AND NEW.%2$s IS NOT DISTINCT FROM OLD.%2$s THEN
            NEW.%2$s := NEW.%3$s;
          ELSIF NEW.%3$s IS NULL AND NEW.%2$s IS NOT NULL THEN
            NEW.%3$s := NEW.%2$s;
          END IF;
          RETURN NEW;
        END
        $dovetail$"""
        .formatted(function(), from(), to(), oldDefaultTest);
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
  public List<String> afterBackfillStatements() {
    return oldColumn.notNull()
        ? List.of("ALTER TABLE %s VALIDATE CONSTRAINT %s".formatted(lockedTable(), notNullCheck()))
        : List.of();
  }

  @Override
  public List<String> contractStatements() {
    var statements = new ArrayList<String>();
    statements.add("DROP TRIGGER IF EXISTS %s ON %s".formatted(trigger(), lockedTable()));
    statements.add("DROP FUNCTION IF EXISTS %s()".formatted(function()));
    if (oldColumn.defaultExpression() != null) {
      statements.add(
          "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s"
              .formatted(lockedTable(), to(), oldColumn.defaultExpression()));
    }
    if (oldColumn.notNull()) {
      statements.add("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL".formatted(lockedTable(), to()));
      statements.add(
          "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s".formatted(lockedTable(), notNullCheck()));
    }
    statements.add("ALTER TABLE %s DROP COLUMN %s".formatted(lockedTable(), from()));
    return statements;
  }

  @Override
  public List<String> rollbackStatements() {
    return List.of(
        "DROP TRIGGER IF EXISTS %s ON %s".formatted(trigger(), lockedTable()),
        "DROP FUNCTION IF EXISTS %s()".formatted(function()),
        "ALTER TABLE %s DROP COLUMN IF EXISTS %s".formatted(lockedTable(), to()));
  }

  @Override
  public List<PlannedStatement> plan(String label) {
    var plan = new ArrayList<PlannedStatement>();
    for (String sql : expandStatements()) {
      plan.add(new PlannedStatement(label, "expand", firstLine(sql), lockOf(sql)));
    }
    backfill()
        .ifPresent(
            b ->
                plan.add(
                    new PlannedStatement(
                        label,
                        "backfill",
                        "UPDATE %s SET %s WHERE <next keyset batch of %s> AND %s"
                            .formatted(
                                lockedTable(),
                                b.assignment(),
                                b.keyColumn(),
                                b.outOfSyncPredicate()),
                        Locks.BACKFILL)));
    for (String sql : afterBackfillStatements()) {
      plan.add(new PlannedStatement(label, "validate", sql, Locks.VALIDATE));
    }
    plan.add(
        new PlannedStatement(
            label,
            "verify",
            "count rows per key chunk WHERE %s IS DISTINCT FROM %s".formatted(to(), from()),
            Locks.VERIFY));
    for (String sql : contractStatements()) {
      plan.add(new PlannedStatement(label, "contract", sql, lockOf(sql)));
    }
    for (String sql : rollbackStatements()) {
      plan.add(new PlannedStatement(label, "rollback", sql, lockOf(sql)));
    }
    return plan;
  }

  private static String firstLine(String sql) {
    int newline = sql.indexOf('\n');
    return newline < 0 ? sql : sql.substring(0, newline) + " …";
  }

  private static String lockOf(String sql) {
    if (sql.startsWith("CREATE FUNCTION") || sql.startsWith("DROP FUNCTION")) {
      return Locks.NONE;
    }
    if (sql.startsWith("CREATE TRIGGER")) {
      return Locks.CREATE_TRIGGER;
    }
    if (sql.startsWith("DROP TRIGGER")) {
      return Locks.DROP_TRIGGER;
    }
    if (sql.contains(" NOT VALID")) {
      return Locks.ADD_NOT_VALID;
    }
    if (sql.contains(" SET NOT NULL")) {
      return Locks.SET_NOT_NULL;
    }
    if (sql.contains(" SET DEFAULT")) {
      return Locks.SET_DEFAULT;
    }
    if (sql.contains(" DROP COLUMN") || sql.contains(" DROP CONSTRAINT")) {
      return Locks.DROP_COLUMN;
    }
    return Locks.ADD_COLUMN;
  }
}
