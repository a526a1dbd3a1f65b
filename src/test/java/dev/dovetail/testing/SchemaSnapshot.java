package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A catalog snapshot of the user's tables, one sorted line per fact: relations, columns (type,
 * default, nullability), constraints (definition, validated), indexes (definition, valid, ready),
 * triggers, and the functions in Dovetail's schema. Two snapshots are equal exactly when rollback
 * left the schema as it was; assertEquals on them prints the lines that differ.
 *
 * <p>pg_get_indexdef, pg_get_constraintdef and pg_get_triggerdef look the object up in the catalog
 * caches, not in the query's snapshot: an object dropped by concurrent DDL (a rollback still
 * running while a test polls for the schema it leaves) is seen by the scan and then comes back as
 * NULL. Such a snapshot is torn; it is taken again rather than returned.
 */
public final class SchemaSnapshot {
  private static final int TORN_ATTEMPTS = 20;

  private SchemaSnapshot() {}

  /** Snapshot of the named tables of schema public (every table when none is named). */
  public static List<String> of(TestDatabase db, String... tables) {
    try (Connection c = db.connect()) {
      return of(c, tables);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public static List<String> of(Connection c, String... tables) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      var lines = read(c, tables);
      if (!lines.contains(null)) {
        lines.sort(null);
        return lines;
      }
      if (attempt == TORN_ATTEMPTS) {
        throw new IllegalStateException(
            "the catalog kept changing during " + TORN_ATTEMPTS + " snapshots: " + lines);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while taking a schema snapshot", e);
      }
    }
  }

  private static List<String> read(Connection c, String... tables) throws SQLException {
    String filter =
        tables.length == 0
            ? "true"
            : "r.relname = ANY (ARRAY[" + String.join(",", quoted(tables)) + "])";
    var lines = new ArrayList<String>();
    add(
        c,
        lines,
        "SELECT 'relation ' || r.relname || ' kind=' || r.relkind::text || coalesce(' view=' ||"
            + " pg_get_viewdef(r.oid), '') FROM pg_class r JOIN pg_namespace n ON n.oid ="
            + " r.relnamespace WHERE n.nspname = 'public' AND r.relkind IN ('r', 'p', 'v', 'm')"
            + " AND "
            + filter);
    add(
        c,
        lines,
        "SELECT 'column ' || r.relname || '.' || a.attname || ' ' || format_type(a.atttypid,"
            + " a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||"
            + " coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a"
            + " JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE"
            + " n.nspname = 'public' AND r.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT"
            + " a.attisdropped AND "
            + filter);
    add(
        c,
        lines,
        "SELECT 'constraint ' || r.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)"
            + " || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END FROM pg_constraint"
            + " k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_namespace n ON n.oid ="
            + " r.relnamespace WHERE n.nspname = 'public' AND "
            + filter);
    add(
        c,
        lines,
        "SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE"
            + " ' INVALID' END || CASE WHEN i.indisready THEN '' ELSE ' NOT READY' END FROM pg_index"
            + " i JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid ="
            + " r.relnamespace WHERE n.nspname = 'public' AND "
            + filter);
    add(
        c,
        lines,
        "SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class r ON r.oid ="
            + " t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace WHERE NOT t.tgisinternal"
            + " AND n.nspname = 'public' AND "
            + filter);
    add(
        c,
        lines,
        "SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON"
            + " n.oid = p.pronamespace WHERE n.nspname = 'dovetail'");
    return lines;
  }

  private static void add(Connection c, List<String> lines, String sql) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
  }

  private static List<String> quoted(String[] names) {
    var list = new ArrayList<String>();
    for (String n : names) {
      list.add("'" + n.replace("'", "''") + "'");
    }
    return list;
  }
}
