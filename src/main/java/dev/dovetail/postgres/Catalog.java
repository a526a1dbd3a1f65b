package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

  /** An index by schema and name. */
  public Optional<IndexInfo> index(String schema, String name) throws SQLException {
    var found = indexes(INDEX_QUERY + " WHERE n.nspname = ? AND ic.relname = ?", schema, name);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Every index of a table. */
  public List<IndexInfo> indexesOn(String schema, String table) throws SQLException {
    return indexes(
        INDEX_QUERY + " WHERE n.nspname = ? AND tc.relname = ? ORDER BY ic.relname", schema, table);
  }

  private static final String INDEX_QUERY =
      "SELECT n.nspname, ic.relname, tc.relname, i.indisvalid, i.indisready, i.indisunique,"
          + " i.indpred IS NOT NULL, ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY"
          + " AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum ="
          + " k.attnum ORDER BY k.ord)::text[], (SELECT conname FROM pg_constraint WHERE conindid"
          + " = i.indexrelid AND contype IN ('p', 'u', 'x') LIMIT 1), pg_get_indexdef(i.indexrelid)"
          + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid"
          + " = i.indrelid JOIN pg_namespace n ON n.oid = ic.relnamespace";

  private List<IndexInfo> indexes(String sql, String... params) throws SQLException {
    var list = new ArrayList<IndexInfo>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(
              new IndexInfo(
                  rs.getString(1),
                  rs.getString(2),
                  Sql.qualified(rs.getString(1), rs.getString(3)),
                  rs.getString(3),
                  rs.getBoolean(4),
                  rs.getBoolean(5),
                  rs.getBoolean(6),
                  rs.getBoolean(7),
                  List.of((String[]) rs.getArray(8).getArray()),
                  rs.getString(9),
                  rs.getString(10)));
        }
      }
    }
    return list;
  }

  /** Every constraint of a table (NOT NULL, which is not a constraint in PostgreSQL 15, aside). */
  public List<ConstraintInfo> constraints(String schema, String table) throws SQLException {
    var list = new ArrayList<ConstraintInfo>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT c.conname, c.contype, c.convalidated, ARRAY(SELECT a.attname FROM"
                + " unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON"
                + " a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[],"
                + " pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid ="
                + " c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ?"
                + " AND t.relname = ? ORDER BY c.conname")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(
              new ConstraintInfo(
                  rs.getString(1),
                  rs.getString(2).charAt(0),
                  rs.getBoolean(3),
                  List.of((String[]) rs.getArray(4).getArray()),
                  rs.getString(5)));
        }
      }
    }
    return list;
  }

  public Optional<ConstraintInfo> constraint(String schema, String table, String name)
      throws SQLException {
    return constraints(schema, table).stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * The privileges granted on the table and on its columns, to other roles and PUBLIC: what a view
   * standing in for the table must be granted. The current role's own entries are left out (it owns
   * what it creates). Empty when the ACL is the default (owner only).
   */
  public List<GrantInfo> grants(String schema, String table) throws SQLException {
    var list = new ArrayList<GrantInfo>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT CASE WHEN g.grantee = 0 THEN NULL ELSE pg_get_userbyid(g.grantee) END,"
                + " g.privilege_type, g.is_grantable, g.attname FROM (SELECT (aclexplode(c.relacl)).*,"
                + " NULL::name AS attname, 0 AS attnum FROM pg_class c JOIN pg_namespace n ON n.oid ="
                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? UNION ALL SELECT"
                + " (aclexplode(a.attacl)).*, a.attname, a.attnum FROM pg_attribute a JOIN pg_class c"
                + " ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE"
                + " n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped) g"
                + " WHERE g.grantee <> (SELECT oid FROM pg_roles WHERE rolname = current_user) ORDER BY"
                + " g.grantee = 0 DESC, 1, g.is_grantable, g.attnum, g.privilege_type")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      ps.setString(3, schema);
      ps.setString(4, table);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(
              new GrantInfo(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)));
        }
      }
    }
    return list;
  }

  /** Whether any relation (table, view, index, sequence, ...) has this name in the schema. */
  public boolean relationExists(String schema, String name) throws SQLException {
    return exists(
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname"
            + " = ? AND c.relname = ?",
        schema,
        name);
  }

  /** Whether schema.name is a view. */
  public boolean viewExists(String schema, String name) throws SQLException {
    return exists(
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname"
            + " = ? AND c.relname = ? AND c.relkind IN ('v', 'm')",
        schema,
        name);
  }

  /** Views and materialized views that read the table, qualified, e.g. public.active_users. */
  public List<String> dependentViews(String schema, String table) throws SQLException {
    return strings(
        "SELECT DISTINCT vn.nspname || '.' || v.relname FROM pg_depend d JOIN pg_rewrite r ON"
            + " r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid"
            + " = v.relnamespace WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid ="
            + " to_regclass(?) AND v.oid <> d.refobjid ORDER BY 1",
        Sql.qualified(schema, table));
  }

  /** Views and materialized views that read this column of the table. */
  public List<String> dependentViews(String schema, String table, String column)
      throws SQLException {
    return strings(
        "SELECT DISTINCT vn.nspname || '.' || v.relname FROM pg_depend d JOIN pg_rewrite r ON"
            + " r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid"
            + " = v.relnamespace JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum ="
            + " d.refobjsubid WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid ="
            + " to_regclass(?) AND a.attname = ? AND v.oid <> d.refobjid ORDER BY 1",
        Sql.qualified(schema, table),
        column);
  }

  /** Foreign keys of other tables (or this one) that reference the column, as table.constraint. */
  public List<String> foreignKeysReferencing(String schema, String table, String column)
      throws SQLException {
    return strings(
        "SELECT c.conrelid::regclass::text || '.' || c.conname FROM pg_constraint c JOIN"
            + " pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = ANY (c.confkey) WHERE"
            + " c.contype = 'f' AND c.confrelid = to_regclass(?) AND a.attname = ? ORDER BY 1",
        Sql.qualified(schema, table),
        column);
  }

  /** Whether a primary key, unique constraint or valid unique index covers exactly the columns. */
  public boolean uniqueKeyCovers(String schema, String table, List<String> columns)
      throws SQLException {
    var wanted = new java.util.HashSet<>(columns);
    for (IndexInfo i : indexesOn(schema, table)) {
      if (i.unique()
          && i.valid()
          && !i.partial()
          && i.columns().size() == columns.size()
          && new java.util.HashSet<>(i.columns()).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Columns that SET NOT NULL may be applied to without a scan, as schema.table and column: those
   * already NOT NULL and those with a validated CHECK (column IS NOT NULL).
   */
  public java.util.Set<dev.dovetail.postgres.lint.RawSqlLinter.ColumnRef> provenNotNull()
      throws SQLException {
    var set = new java.util.HashSet<dev.dovetail.postgres.lint.RawSqlLinter.ColumnRef>();
    try (PreparedStatement ps =
            connection.prepareStatement(
                "SELECT n.nspname || '.' || t.relname, a.attname FROM pg_attribute a JOIN pg_class t"
                    + " ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE"
                    + " t.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND"
                    + " n.nspname NOT IN ('pg_catalog', 'information_schema') AND (a.attnotnull OR"
                    + " EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = t.oid AND"
                    + " c.contype = 'c' AND c.convalidated AND pg_get_constraintdef(c.oid) IN"
                    + " (format('CHECK ((%I IS NOT NULL))', a.attname), format('CHECK (%I IS NOT"
                    + " NULL)', a.attname))))");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        set.add(
            new dev.dovetail.postgres.lint.RawSqlLinter.ColumnRef(
                rs.getString(1), rs.getString(2)));
      }
    }
    return set;
  }

  private List<String> strings(String sql, String... params) throws SQLException {
    var list = new ArrayList<String>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(rs.getString(1));
        }
      }
    }
    return list;
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
