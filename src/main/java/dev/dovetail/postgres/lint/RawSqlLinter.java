package dev.dovetail.postgres.lint;

import dev.dovetail.postgres.lint.SqlText.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses raw SQL that would hold a lock that blocks the application for long, naming the statement
 * and the safe alternative. Pure: it reads only the text, plus the NOT NULL checks the catalog
 * already shows as validated. Scripts of consecutive {@code sql} operations are linted in order, so
 * a check added NOT VALID by one operation and validated by a later one lets a third SET NOT NULL.
 */
public final class RawSqlLinter {

  /** A refused statement: its position (1-based) and text, what is wrong, what to do instead. */
  public record Finding(int statement, String text, String problem, String alternative) {
    public String describe() {
      return "statement %d (%s): %s; instead, %s".formatted(statement, text, problem, alternative);
    }
  }

  /** A column, its table written schema.table with unquoted names folded to lower case. */
  public record ColumnRef(String table, String column) {}

  /** Functions whose result differs per row: as a column default they force a table rewrite. */
  static final Set<String> VOLATILE_FUNCTIONS =
      Set.of(
          "random",
          "gen_random_uuid",
          "uuid_generate_v1",
          "uuid_generate_v1mc",
          "uuid_generate_v4",
          "clock_timestamp",
          "timeofday",
          "nextval",
          "txid_current",
          "setseed");

  static final Set<String> SERIAL_TYPES =
      Set.of("serial", "bigserial", "smallserial", "serial2", "serial4", "serial8");

  private final Set<ColumnRef> validatedNotNull;
  private final Map<String, ColumnRef> notValidNotNullChecks = new HashMap<>();

  private RawSqlLinter(Set<ColumnRef> validatedNotNull) {
    this.validatedNotNull = new HashSet<>(validatedNotNull);
  }

  /** Lints one script on its own. */
  public static List<Finding> lint(String script, Set<ColumnRef> validatedNotNull) {
    return new RawSqlLinter(validatedNotNull).lintScript(script);
  }

  /** Lints scripts that run in this order, each in its own transaction: one list per script. */
  public static List<List<Finding>> lintInOrder(
      List<String> scripts, Set<ColumnRef> validatedNotNull) {
    var linter = new RawSqlLinter(validatedNotNull);
    return scripts.stream().map(linter::lintScript).toList();
  }

  /**
   * The first table a script alters or indexes, as schema and name, for naming the holders of its
   * lock; empty when none is recognised.
   */
  public static Optional<String[]> firstTable(String script) {
    List<Statement> statements;
    try {
      statements = SqlText.statements(script);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    for (Statement s : statements) {
      var t = new Cursor(s);
      Optional<String> table = Optional.empty();
      if (t.is(0, "alter") && t.is(1, "table")) {
        table = t.tableNameAfter(1);
      } else if (t.is(0, "create") && t.contains("index") && t.indexOf("on") > 0) {
        table = t.tableNameAfter(t.indexOf("on"));
      }
      if (table.isPresent()) {
        return Optional.of(table.get().split("\\.", 2));
      }
    }
    return Optional.empty();
  }

  /** Statements that PostgreSQL refuses to run inside a transaction block. */
  public static boolean needsOwnTransaction(Statement s) {
    var t = new Cursor(s);
    if (t.is(0, "create") || t.is(0, "drop") || t.is(0, "reindex")) {
      return t.contains("concurrently");
    }
    return t.is(0, "vacuum");
  }

  private List<Finding> lintScript(String script) {
    var findings = new ArrayList<Finding>();
    List<Statement> statements;
    try {
      statements = SqlText.statements(script);
    } catch (IllegalArgumentException e) {
      findings.add(new Finding(0, "", e.getMessage(), "fix the SQL text"));
      return findings;
    }
    var createdTables = new HashSet<String>();
    var addedNotValid = new HashSet<String>();
    for (int i = 0; i < statements.size(); i++) {
      Statement s = statements.get(i);
      var problems = new ArrayList<String[]>();
      lintStatement(new Cursor(s), createdTables, addedNotValid, problems);
      for (String[] p : problems) {
        findings.add(new Finding(i + 1, s.abbreviated(), p[0], p[1]));
      }
    }
    return findings;
  }

  private void lintStatement(
      Cursor t, Set<String> createdTables, Set<String> addedNotValid, List<String[]> out) {
    if (t.is(0, "create") && t.is(1, "table")) {
      t.tableNameAfter(t.indexOf("table")).ifPresent(createdTables::add);
    } else if (t.is(0, "create") && t.contains("index")) {
      int on = t.indexOf("on");
      String table = on < 0 ? null : t.tableNameAfter(on).orElse(null);
      if (!t.contains("concurrently") && !createdTables.contains(table)) {
        out.add(
            new String[] {
              "a plain CREATE INDEX holds a SHARE lock on the table for the whole build, blocking"
                  + " every write",
              "use CREATE INDEX CONCURRENTLY (or a createIndex operation)"
            });
      }
    } else if (t.is(0, "alter") && t.is(1, "table")) {
      alterTable(t, createdTables, addedNotValid, out);
    } else if (t.is(0, "vacuum") && t.contains("full") || t.is(0, "cluster")) {
      out.add(
          new String[] {
            t.word(0).toUpperCase(java.util.Locale.ROOT)
                + (t.is(0, "vacuum") ? " FULL" : "")
                + " rewrites the table under an ACCESS EXCLUSIVE lock",
            "use pg_repack or a DualWriteCutover; plain VACUUM needs no exclusive lock"
          });
    } else if (t.is(0, "reindex") && !t.contains("concurrently")) {
      out.add(
          new String[] {
            "REINDEX without CONCURRENTLY blocks writes (and reads using the index) for the whole"
                + " rebuild",
            "use REINDEX ... CONCURRENTLY"
          });
    } else if (t.is(0, "lock")) {
      out.add(
          new String[] {
            "LOCK TABLE takes a lock that queues every later query behind it",
            "let each statement take the lock it needs, under spec.ddl.lockTimeout"
          });
    } else if (t.is(0, "begin")
        || t.is(0, "start")
        || t.is(0, "commit")
        || t.is(0, "end")
        || t.is(0, "rollback")
        || t.is(0, "savepoint")
        || t.is(0, "release")) {
      out.add(
          new String[] {
            "transaction control inside a sql operation breaks Dovetail's own transaction and"
                + " its lock_timeout retries",
            "split the statements into several sql operations: each runs in its own transaction"
          });
    } else if ((t.is(0, "set") || t.is(0, "reset"))
        && (t.contains("lock_timeout") || t.contains("statement_timeout"))) {
      out.add(
          new String[] {
            "changing lock_timeout or statement_timeout removes the bound on how long the"
                + " application can queue behind this DDL",
            "set spec.ddl.lockTimeout and spec.ddl.statementTimeout"
          });
    }
  }

  private void alterTable(
      Cursor t, Set<String> createdTables, Set<String> addedNotValid, List<String[]> out) {
    int nameAt = 2;
    while (t.is(nameAt, "if") || t.is(nameAt, "exists") || t.is(nameAt, "only")) {
      nameAt++;
    }
    Optional<String> tableName = t.tableNameAfter(nameAt - 1);
    if (tableName.isEmpty()) {
      return;
    }
    String table = tableName.get();
    boolean fresh = createdTables.contains(table);
    for (Cursor action : t.actionsAfter(t.afterTableName(nameAt))) {
      if (action.is(0, "add")) {
        addAction(action, table, fresh, addedNotValid, out);
      } else if (action.is(0, "alter")) {
        int col = action.is(1, "column") ? 2 : 1;
        String column = action.name(col);
        boolean typeChange =
            action.is(col + 1, "type")
                || action.is(col + 1, "set")
                    && action.is(col + 2, "data")
                    && action.is(col + 3, "type");
        if (typeChange) {
          out.add(
              new String[] {
                "ALTER COLUMN ... TYPE rewrites the table (and its indexes) under an ACCESS"
                    + " EXCLUSIVE lock",
                "use a changeColumnType operation (shadow column, sync trigger, backfill, swap)"
              });
        } else if (action.containsSequence("set", "not", "null")
            && !fresh
            && !validatedNotNull.contains(new ColumnRef(table, column))) {
          out.add(
              new String[] {
                "SET NOT NULL without a validated CHECK ("
                    + column
                    + " IS NOT NULL) scans the"
                    + " whole table under an ACCESS EXCLUSIVE lock",
                "add CHECK ("
                    + column
                    + " IS NOT NULL) NOT VALID in one sql operation, VALIDATE CONSTRAINT in a later"
                    + " one, then SET NOT NULL (or use a setNotNull operation)"
              });
        }
      } else if (action.is(0, "validate") && action.is(1, "constraint")) {
        String name = action.name(2);
        if (addedNotValid.contains(name)) {
          out.add(
              new String[] {
                "VALIDATE CONSTRAINT "
                    + name
                    + " runs in the same transaction as its ADD, so the validating scan holds the"
                    + " ADD's ACCESS EXCLUSIVE lock",
                "move the VALIDATE CONSTRAINT into a later sql operation (each runs in its own"
                    + " transaction, and VALIDATE alone lets reads and writes through)"
              });
        } else if (notValidNotNullChecks.containsKey(name)) {
          validatedNotNull.add(notValidNotNullChecks.get(name));
        }
      }
    }
  }

  private void addAction(
      Cursor a, String table, boolean fresh, Set<String> addedNotValid, List<String[]> out) {
    int at = 1;
    String constraintName = null;
    if (a.is(at, "constraint")) {
      constraintName = a.name(at + 1);
      at += 2;
    }
    boolean check = a.is(at, "check");
    boolean foreignKey = a.is(at, "foreign");
    boolean uniqueOrKey = a.is(at, "unique") || a.is(at, "primary") || a.is(at, "exclude");
    if (check || foreignKey) {
      boolean notValid = a.containsSequence("not", "valid");
      if (!notValid && !fresh) {
        out.add(
            new String[] {
              "ADD CONSTRAINT ... "
                  + (check ? "CHECK" : "FOREIGN KEY")
                  + " without NOT VALID"
                  + " scans the whole table under an exclusive lock",
              "add it NOT VALID here and VALIDATE CONSTRAINT in a later sql operation (or use an "
                  + (check ? "addCheckConstraint" : "addForeignKey")
                  + " operation)"
            });
      }
      if (notValid && constraintName != null) {
        addedNotValid.add(constraintName);
        Optional<String> column = check ? notNullCheckColumn(a, at) : Optional.empty();
        if (column.isPresent()) {
          notValidNotNullChecks.put(constraintName, new ColumnRef(table, column.get()));
        }
      }
      return;
    }
    if (uniqueOrKey) {
      if (!a.containsSequence("using", "index") && !fresh) {
        out.add(
            new String[] {
              "ADD CONSTRAINT ... "
                  + a.word(at).toUpperCase(java.util.Locale.ROOT)
                  + " builds its index under an ACCESS EXCLUSIVE lock",
              "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX (or use"
                  + " an addUniqueConstraint operation)"
            });
      }
      return;
    }
    // ADD [COLUMN] [IF NOT EXISTS] name type ...
    if (fresh) {
      return;
    }
    int col = a.is(at, "column") ? at + 1 : at;
    if (a.is(col, "if")) {
      col += 3;
    }
    String type = a.word(col + 1);
    int defaultAt = a.indexOf("default");
    boolean volatileDefault = defaultAt >= 0 && a.callsAnyAfter(defaultAt, VOLATILE_FUNCTIONS);
    if (SERIAL_TYPES.contains(type) || volatileDefault) {
      out.add(
          new String[] {
            "ADD COLUMN with a volatile default ("
                + (volatileDefault ? "a per-row function" : type)
                + ") rewrites the whole table under an ACCESS EXCLUSIVE lock",
            "add the column without a default, SET DEFAULT in a separate statement (it applies"
                + " to new rows only), and backfill existing rows in batches (or use an addColumn"
                + " operation with a non-volatile default)"
          });
    } else if (a.contains("generated") && a.contains("stored")) {
      out.add(
          new String[] {
            "ADD COLUMN ... GENERATED ALWAYS AS ... STORED rewrites the whole table under an"
                + " ACCESS EXCLUSIVE lock",
            "add a plain column, fill it with a trigger and a batched backfill"
          });
    }
  }

  /** For CHECK ( col IS NOT NULL ) at {@code at}: the column. */
  private static Optional<String> notNullCheckColumn(Cursor a, int at) {
    if (a.isSymbol(at + 1, "(")
        && a.isIdentifier(at + 2)
        && a.is(at + 3, "is")
        && a.is(at + 4, "not")
        && a.is(at + 5, "null")
        && a.isSymbol(at + 6, ")")) {
      return Optional.of(a.name(at + 2));
    }
    return Optional.empty();
  }

  /** Index-based reading of a statement's tokens; out-of-range reads are harmless. */
  private static final class Cursor {
    private final List<SqlToken> tokens;

    Cursor(Statement s) {
      this(s.tokens());
    }

    Cursor(List<SqlToken> tokens) {
      this.tokens = tokens;
    }

    boolean is(int i, String keyword) {
      return i >= 0 && i < tokens.size() && tokens.get(i).is(keyword);
    }

    boolean isSymbol(int i, String symbol) {
      return i >= 0 && i < tokens.size() && tokens.get(i).isSymbol(symbol);
    }

    boolean isIdentifier(int i) {
      return i >= 0 && i < tokens.size() && tokens.get(i).isIdentifier();
    }

    String word(int i) {
      return i >= 0 && i < tokens.size()
          ? tokens.get(i).text().toLowerCase(java.util.Locale.ROOT)
          : "";
    }

    String name(int i) {
      return i >= 0 && i < tokens.size() ? tokens.get(i).name() : "";
    }

    int indexOf(String keyword) {
      for (int i = 0; i < tokens.size(); i++) {
        if (tokens.get(i).is(keyword)) {
          return i;
        }
      }
      return -1;
    }

    boolean contains(String keyword) {
      return indexOf(keyword) >= 0;
    }

    boolean containsSequence(String... keywords) {
      for (int i = 0; i + keywords.length <= tokens.size(); i++) {
        boolean all = true;
        for (int k = 0; k < keywords.length && all; k++) {
          all = tokens.get(i + k).is(keywords[k]);
        }
        if (all) {
          return true;
        }
      }
      return false;
    }

    /** A function call name( after {@code from} that is in {@code names}. */
    boolean callsAnyAfter(int from, Set<String> names) {
      for (int i = from + 1; i + 1 < tokens.size(); i++) {
        if (tokens.get(i).isIdentifier()
            && names.contains(tokens.get(i).name())
            && tokens.get(i + 1).isSymbol("(")) {
          return true;
        }
      }
      return false;
    }

    /** The (schema.)table name following position {@code before}, as schema.table. */
    Optional<String> tableNameAfter(int before) {
      int i = before + 1;
      while (is(i, "if") || is(i, "not") || is(i, "exists") || is(i, "only")) {
        i++;
      }
      if (!isIdentifier(i)) {
        return Optional.empty();
      }
      if (isSymbol(i + 1, ".") && isIdentifier(i + 2)) {
        return Optional.of(name(i) + "." + name(i + 2));
      }
      return Optional.of("public." + name(i));
    }

    /** Position just after the table name that starts at {@code nameAt}. */
    int afterTableName(int nameAt) {
      int i = nameAt + 1;
      if (isSymbol(i, ".")) {
        i += 2;
      }
      if (isSymbol(i, "*")) {
        i++;
      }
      return i;
    }

    /** The comma-separated actions of an ALTER TABLE from {@code from}, split at depth 0. */
    List<Cursor> actionsAfter(int from) {
      var actions = new ArrayList<Cursor>();
      int depth = 0;
      int start = from;
      for (int i = from; i <= tokens.size(); i++) {
        boolean end = i == tokens.size();
        if (!end && (tokens.get(i).isSymbol("(") || tokens.get(i).isSymbol("["))) {
          depth++;
        } else if (!end && (tokens.get(i).isSymbol(")") || tokens.get(i).isSymbol("]"))) {
          depth--;
        }
        if (end || depth == 0 && tokens.get(i).isSymbol(",")) {
          if (i > start) {
            actions.add(new Cursor(tokens.subList(start, i)));
          }
          start = i + 1;
        }
      }
      return actions;
    }
  }
}
