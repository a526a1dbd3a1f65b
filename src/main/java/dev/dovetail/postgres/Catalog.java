package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Optional;

/** Read-only questions to pg_catalog. Names are exact (case-sensitive), passed as parameters. */
public final class Catalog {
  private final Connection connection;

  public Catalog(Connection connection) {
    this.connection = connection;
  }

  public Optional<TableInfo> table(String schema, String table) throws SQLException {
    long oid;
    long estimate;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT c.oid, c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid ="
                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r',"
                + " 'p')")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        oid = rs.getLong(1);
        estimate = Math.max(0, rs.getLong(2));
      }
    }
    var columns = new ArrayList<ColumnInfo>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON"
                + " d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = ? AND"
                + " a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setLong(1, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(
              new ColumnInfo(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)));
        }
      }
    }
    var key = new ArrayList<String>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY"
                + " AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum ="
                + " k.attnum WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
      ps.setLong(1, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    return Optional.of(new TableInfo(schema, table, columns, key, estimate));
  }

  public boolean schemaExists(String schema) throws SQLException {
    return exists("SELECT 1 FROM pg_namespace WHERE nspname = ?", schema);
  }

  public boolean columnExists(String schema, String table, String column) throws SQLException {
    return table(schema, table).flatMap(t -> t.column(column)).isPresent();
  }

  public boolean triggerExists(String schema, String table, String trigger) throws SQLException {
    return exists(
        "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON"
            + " n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND t.tgname = ?",
        schema,
        table,
        trigger);
  }

  public boolean functionExists(String schema, String function) throws SQLException {
    return exists(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?"
            + " AND p.proname = ?",
        schema,
        function);
  }

  private boolean exists(String sql, String... params) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
