package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SQL of comparing one table on two servers by its primary key: chunk bounds (keyset, read on
 * the source), a digest of a key range computed inside each database (count and hash sum), per-row
 * md5s of a range or of given keys, rows of the source as JSON and their insertion on the target.
 *
 * <p>Rows are compared as the text of {@code ROW(columns)} with the columns named explicitly, so
 * column order on either server does not matter; the compare session fixes every setting that
 * changes a value's text ({@link #settle}). Key bounds and keys travel as text and are cast back to
 * the key column's type. Collatable key columns are compared and ordered with {@code COLLATE "C"},
 * so both servers cut the same chunks whatever their default collations are.
 */
final class KeyedTable {
  private static final List<String> SESSION =
      List.of(
          "SET TimeZone = 'UTC'",
          "SET DateStyle = 'ISO, YMD'",
          "SET IntervalStyle = 'postgres'",
          "SET extra_float_digits = 1",
          "SET bytea_output = 'hex'");

  /** The table's alias where a whole row is read; unlikely to be one of its column names. */
  private static final String ALIAS = "dovetail_row";

  record KeyColumn(String name, String type, boolean collatable) {
    String expression() {
      return Sql.ident(name) + (collatable ? " COLLATE \"C\"" : "");
    }

    /** A bound parameter cast to the column's type (a catalog type name, not user input). */
    String parameter() {
      return "?::" + type + (collatable ? " COLLATE \"C\"" : "");
    }
  }

  record Digest(long rows, String hashSum) {}

  private final QualifiedTable table;
  private final List<KeyColumn> key;
  private final List<String> columns;

  private KeyedTable(QualifiedTable table, List<KeyColumn> key, List<String> columns) {
    this.table = table;
    this.key = key;
    this.columns = columns;
  }

  /** Fixes the settings that change how values print, identically on both connections. */
  static void settle(Connection c) throws SQLException {
    try (var st = c.createStatement()) {
      for (String sql : SESSION) {
        st.execute(sql);
      }
    }
  }

  /**
   * Reads the table's shape on both sides; refuses a table missing on either, one without a primary
   * key, and one whose columns differ (rows of different shapes cannot compare equal).
   */
  static KeyedTable of(Connection source, Connection target, QualifiedTable table)
      throws SQLException, CutoverProblem {
    TableShape shape =
        TableShape.read(source, table)
            .orElseThrow(() -> new CutoverProblem("spec.tables", table + " is not on the source"));
    TableShape other =
        TableShape.read(target, table)
            .orElseThrow(() -> new CutoverProblem("spec.tables", table + " is not on the target"));
    if (shape.primaryKey().isEmpty()) {
      throw new CutoverProblem("spec.tables", table + " has no primary key: it cannot be compared");
    }
    if (!shape.columnSignature().equals(other.columnSignature())) {
      throw new CutoverProblem(
          "spec.tables",
          table
              + " has other columns on the target (target: "
              + other.columnSignature()
              + "; source: "
              + shape.columnSignature()
              + ")");
    }
    // Stored generated columns follow from the others; they are neither compared nor inserted.
    List<String> columns =
        shape.columns().stream()
            .filter(c -> c.generated() != 's')
            .map(TableShape.Column::name)
            .toList();
    var key = new ArrayList<KeyColumn>();
    for (String name : shape.primaryKey()) {
      String type =
          shape.columns().stream()
              .filter(c -> c.name().equals(name))
              .findFirst()
              .orElseThrow()
              .type();
      key.add(new KeyColumn(name, type, collatable(source, table, name)));
    }
    return new KeyedTable(table, key, columns);
  }

  QualifiedTable table() {
    return table;
  }

  /**
   * The key that closes the chunk of {@code size} rows after {@code after} (null: from the start),
   * or null when fewer rows remain, i.e. the last chunk is open above.
   */
  RowKey nextBound(Connection source, RowKey after, int size) throws SQLException {
    String sql =
        "SELECT "
            + keyText()
            + " FROM "
            + table.sql()
            + " WHERE "
            + range(after, null)
            + " ORDER BY "
            + keyOrder()
            + " OFFSET ? LIMIT 1";
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      int next = bind(ps, 1, after, null);
      ps.setLong(next, Math.max(0, size - 1));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? key(rs) : null;
      }
    }
  }

  /**
   * Count and sum of 64-bit hashes of the rows in (lower, upper], computed in the database. The sum
   * needs no sort and hashes the row text once (an ordered md5 of md5s cost 2.5 times a plain read
   * of the rows); it only decides which chunks are narrowed to rows, where rows are compared by
   * md5, so a chunk that differs only by a 2^-64 coincidence is the whole cost of its speed. Both
   * sides must hash alike: PostgreSQL's hash functions are the ones hash partitioning relies on
   * staying stable across versions; a big-endian server hashes differently, which makes every chunk
   * differ and every row be compared by md5 — slower, never wrong.
   */
  Digest digest(Connection c, RowKey lower, RowKey upper) throws SQLException {
    String sql =
        "SELECT count(*), coalesce(sum(hashtextextended("
            + rowText()
            + ", 0)), 0)::text FROM "
            + table.sql()
            + " WHERE "
            + range(lower, upper);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, lower, upper);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Digest(rs.getLong(1), rs.getString(2));
      }
    }
  }

  /** key → md5 of the row, for every row in (lower, upper]. */
  Map<RowKey, String> rowHashes(Connection c, RowKey lower, RowKey upper) throws SQLException {
    String sql =
        "SELECT "
            + keyText()
            + ", md5("
            + rowText()
            + ") FROM "
            + table.sql()
            + " WHERE "
            + range(lower, upper);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, lower, upper);
      return keyed(ps);
    }
  }

  /** key → md5 of the row, for those of {@code keys} that exist. */
  Map<RowKey, String> rowHashes(Connection c, Collection<RowKey> keys) throws SQLException {
    return byKeys(c, "md5(" + rowText() + ")", keys);
  }

  /** key → the row as JSON, for those of {@code keys} that exist. */
  Map<RowKey, String> rowsAsJson(Connection c, Collection<RowKey> keys) throws SQLException {
    return byKeys(c, "row_to_json(" + ALIAS + ".*)::text", keys);
  }

  /**
   * Inserts rows given as JSON (from {@link #rowsAsJson}) in one statement, each unless its key
   * exists by now, and returns the keys it inserted. The rows travel as one JSON array in one bound
   * parameter. Foreign keys are checked at the end of the statement, so rows of one call may
   * reference each other; one row that breaks a constraint fails the whole statement. Explicit
   * values win over identity columns, as they do for replication.
   */
  Set<RowKey> insert(Connection target, Collection<String> rows) throws SQLException {
    String list = columns.stream().map(Sql::ident).collect(Collectors.joining(", "));
    String sql =
        "INSERT INTO "
            + table.sql()
            + " ("
            + list
            + ") OVERRIDING SYSTEM VALUE SELECT "
            + list
            + " FROM json_populate_recordset(null::"
            + table.sql()
            + ", ?::json) ON CONFLICT DO NOTHING RETURNING "
            + keyText();
    var inserted = new LinkedHashSet<RowKey>();
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      ps.setString(1, "[" + String.join(",", rows) + "]");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(key(rs));
        }
      }
    }
    return inserted;
  }

  private Map<RowKey, String> byKeys(Connection c, String value, Collection<RowKey> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return Map.of();
    }
    var unnest = new ArrayList<String>();
    var casts = new ArrayList<String>();
    for (int i = 0; i < key.size(); i++) {
      unnest.add("?::text[]");
      casts.add("u.k" + i + "::" + key.get(i).type());
    }
    String aliases =
        java.util.stream.IntStream.range(0, key.size())
            .mapToObj(i -> "k" + i)
            .collect(Collectors.joining(", "));
    String sql =
        "SELECT "
            + keyText()
            + ", "
            + value
            + " FROM "
            + table.sql()
            + " AS "
            + ALIAS
            + " WHERE ("
            + key.stream().map(k -> Sql.ident(k.name())).collect(Collectors.joining(", "))
            + ") IN (SELECT "
            + String.join(", ", casts)
            + " FROM unnest("
            + String.join(", ", unnest)
            + ") AS u("
            + aliases
            + "))";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      var arrays = new ArrayList<Array>();
      for (int i = 0; i < key.size(); i++) {
        int column = i;
        Array array =
            c.createArrayOf(
                "text", keys.stream().map(k -> k.values().get(column)).toArray(String[]::new));
        arrays.add(array);
        ps.setArray(i + 1, array);
      }
      try {
        return keyed(ps);
      } finally {
        for (Array a : arrays) {
          a.free();
        }
      }
    }
  }

  private Map<RowKey, String> keyed(PreparedStatement ps) throws SQLException {
    var result = new HashMap<RowKey, String>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.put(key(rs), rs.getString(key.size() + 1));
      }
    }
    return result;
  }

  private RowKey key(ResultSet rs) throws SQLException {
    var values = new ArrayList<String>(key.size());
    for (int i = 1; i <= key.size(); i++) {
      values.add(rs.getString(i));
    }
    return new RowKey(values);
  }

  private String rowText() {
    return "ROW(" + columns.stream().map(Sql::ident).collect(Collectors.joining(", ")) + ")::text";
  }

  /**
   * The key as text, each column under an alias: a bare output column named like the key column
   * would capture ORDER BY "id" (PostgreSQL matches ORDER BY names against the output list first),
   * sorting by the text and defeating the primary-key index.
   */
  private String keyText() {
    var parts = new ArrayList<String>();
    for (int i = 0; i < key.size(); i++) {
      parts.add(Sql.ident(key.get(i).name()) + "::text AS dovetail_key_" + i);
    }
    return String.join(", ", parts);
  }

  /**
   * (lower, upper] like {@link #range} with the bounds written as literals, for statements that
   * take no parameters (COPY). The values are key values read from the source, quoted as string
   * literals and cast to the key column's catalog type.
   */
  String rangeLiteral(RowKey lower, RowKey upper) {
    return between(lower, upper, this::literalRow);
  }

  private String literalRow(RowKey bound) {
    var values = new ArrayList<String>();
    for (int i = 0; i < key.size(); i++) {
      KeyColumn k = key.get(i);
      values.add(
          Replication.literal(bound.values().get(i))
              + "::"
              + k.type()
              + (k.collatable() ? " COLLATE \"C\"" : ""));
    }
    return "(" + String.join(", ", values) + ")";
  }

  /** The key columns as ORDER BY expressions, text keys in the "C" collation. */
  String keyOrder() {
    return key.stream().map(KeyColumn::expression).collect(Collectors.joining(", "));
  }

  /** (lower, upper] as a row comparison on the key; either side may be open (null). */
  private String range(RowKey lower, RowKey upper) {
    String params =
        "(" + key.stream().map(KeyColumn::parameter).collect(Collectors.joining(", ")) + ")";
    return between(lower, upper, bound -> params);
  }

  /** (lower, upper] on the key row, each present bound written by {@code row}. */
  private String between(
      RowKey lower, RowKey upper, java.util.function.Function<RowKey, String> row) {
    String keyRow = "(" + keyOrder() + ")";
    var parts = new ArrayList<String>();
    if (lower != null) {
      parts.add(keyRow + " > " + row.apply(lower));
    }
    if (upper != null) {
      parts.add(keyRow + " <= " + row.apply(upper));
    }
    return parts.isEmpty() ? "true" : String.join(" AND ", parts);
  }

  private static int bind(PreparedStatement ps, int first, RowKey lower, RowKey upper)
      throws SQLException {
    int i = first;
    for (RowKey bound : java.util.Arrays.asList(lower, upper)) {
      if (bound != null) {
        for (String v : bound.values()) {
          ps.setString(i++, v);
        }
      }
    }
    return i;
  }

  private static boolean collatable(Connection c, QualifiedTable table, String column)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attcollation <> 0 FROM pg_attribute a"
                + " WHERE a.attrelid = to_regclass(?) AND a.attname = ?")) {
      ps.setString(1, table.sql());
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
