package dev.dovetail.postgres.change;

/**
 * A read-only query that explains why a constraint cannot hold: it returns one row of (bigint
 * count, text[] up to five sample keys). Run only after a VALIDATE or a unique build failed, or
 * before a unique build, so the condition can name the offending rows.
 *
 * @param what describes a counted thing, e.g. "rows where score >= 0 is false"
 */
public record Violations(String sql, String what) {

  /** Rows of {@code table} matching {@code predicate}, sampled by their key. */
  static Violations rows(String table, String key, String predicate, String what) {
    return new Violations(
        "SELECT (SELECT count(*) FROM %1$s WHERE %3$s), ARRAY(SELECT %1$s.%2$s::text FROM %1$s WHERE %3$s ORDER BY %1$s.%2$s LIMIT 5)"
            .formatted(table, key, predicate),
        what);
  }

  /** Values of {@code columns} (a comma list, quoted) that occur more than once. */
  static Violations duplicates(String table, String columns, String notNull, String where) {
    String filter = notNull + (where == null ? "" : " AND (" + where + ")");
    return new Violations(
        ("WITH dovetail_dup AS (SELECT %2$s, count(*) AS dovetail_n FROM %1$s WHERE %3$s GROUP BY"
                + " %2$s HAVING count(*) > 1) SELECT (SELECT count(*) FROM dovetail_dup),"
                + " ARRAY(SELECT format('(%%s) x%%s', concat_ws(', ', %2$s), dovetail_n) FROM"
                + " dovetail_dup ORDER BY dovetail_n DESC, 1 LIMIT 5)")
            .formatted(table, columns, filter),
        "duplicate keys (" + columns.replace("\"", "") + ")");
  }
}
