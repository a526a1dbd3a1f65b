package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.ServerErrors;
import dev.dovetail.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The source's foreign keys of the moved tables, carried to the target in two steps. The target's
 * tables are created without them (the copy fills tables in any order), then, once the copy is
 * done, each key among moved tables is added {@code NOT VALID}: writes on the target are checked
 * from then on, while replication's apply runs as {@code session_replication_role = replica} and
 * fires no foreign-key trigger. Before the target takes writes each key is validated, so the target
 * enforces what the source did. A key that references a table outside the move is reported, never
 * created: its rows are not on the target. None is ever dropped: they are the user's schema.
 */
final class ForeignKeys {
  private static final String NOT_VALID = " NOT VALID";

  private ForeignKeys() {}

  /** A source foreign key; {@code definition} is schema-qualified and without NOT VALID. */
  private record SourceKey(
      String name,
      QualifiedTable table,
      QualifiedTable references,
      String definition,
      boolean validOnSource) {}

  /** Where each foreign key of the moved tables stands on the target. */
  static List<ForeignKeyState> states(
      Connection source, Connection target, List<QualifiedTable> tables) throws SQLException {
    var moved = new HashSet<>(tables);
    var states = new ArrayList<ForeignKeyState>();
    for (SourceKey key : onSource(source, tables)) {
      states.add(state(target, key, moved));
    }
    return states;
  }

  /**
   * Adds {@code NOT VALID} each key among moved tables that the target lacks.
   *
   * @return the keys added
   */
  static List<ForeignKeyState> addMissing(
      Connection source, Connection target, List<QualifiedTable> tables) throws SQLException {
    var moved = new HashSet<>(tables);
    var added = new ArrayList<ForeignKeyState>();
    for (SourceKey key : onSource(source, tables)) {
      if (state(target, key, moved).state() != ForeignKeyState.State.Pending) {
        continue;
      }
      try (Statement st = target.createStatement()) {
        st.execute(
            "ALTER TABLE "
                + key.table().sql()
                + " ADD CONSTRAINT "
                + Sql.ident(key.name())
                + " "
                + key.definition()
                + NOT_VALID);
      }
      added.add(state(target, key, moved));
    }
    return added;
  }

  /**
   * Validates on the target every key the source has validated and the target has not yet; a key
   * left NOT VALID on the source stays so on the target too. Fails naming the key when rows on the
   * target break it.
   *
   * @return the keys validated by this call
   */
  static List<ForeignKeyState> validate(
      Connection source, Connection target, List<QualifiedTable> tables) throws SQLException {
    var moved = new HashSet<>(tables);
    var validated = new ArrayList<ForeignKeyState>();
    for (SourceKey key : onSource(source, tables)) {
      ForeignKeyState now = state(target, key, moved);
      if (!key.validOnSource() || now.state() != ForeignKeyState.State.NotValid) {
        continue;
      }
      try (Statement st = target.createStatement()) {
        st.execute(
            "ALTER TABLE "
                + key.table().sql()
                + " VALIDATE CONSTRAINT "
                + Sql.ident(now.nameOnTarget()));
      } catch (SQLException e) {
        throw new SQLException(
            "foreign key "
                + now.describe()
                + " does not hold for the rows on the target: "
                + ServerErrors.primary(e),
            e.getSQLState(),
            e);
      }
      validated.add(state(target, key, moved));
    }
    return validated;
  }

  private static ForeignKeyState state(
      Connection target, SourceKey key, HashSet<QualifiedTable> moved) throws SQLException {
    if (!moved.contains(key.references())) {
      return new ForeignKeyState(
          key.name(), null, key.table(), key.references(), ForeignKeyState.State.NotMoved);
    }
    // Matched by name, or by definition when the target's table came with a key of another name.
    String query =
        "SELECT conname, convalidated FROM pg_constraint"
            + " WHERE conrelid = to_regclass(?) AND contype = 'f'"
            + " AND (conname = ? OR regexp_replace(pg_get_constraintdef(oid), ' NOT VALID$', '') = ?)"
            + " ORDER BY conname = ? DESC LIMIT 1";
    return qualifiedNames(
        target,
        () -> {
          try (PreparedStatement ps = target.prepareStatement(query)) {
            ps.setString(1, key.table().sql());
            ps.setString(2, key.name());
            ps.setString(3, key.definition());
            ps.setString(4, key.name());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return new ForeignKeyState(
                    key.name(), null, key.table(), key.references(), ForeignKeyState.State.Pending);
              }
              return new ForeignKeyState(
                  key.name(),
                  rs.getString(1),
                  key.table(),
                  key.references(),
                  rs.getBoolean(2)
                      ? ForeignKeyState.State.Validated
                      : ForeignKeyState.State.NotValid);
            }
          }
        });
  }

  private static List<SourceKey> onSource(Connection source, List<QualifiedTable> tables)
      throws SQLException {
    String query =
        "SELECT k.conname, cn.nspname, c.relname, rn.nspname, r.relname,"
            + " pg_get_constraintdef(k.oid), k.convalidated"
            + " FROM pg_constraint k"
            + " JOIN pg_class c ON c.oid = k.conrelid"
            + " JOIN pg_namespace cn ON cn.oid = c.relnamespace"
            + " JOIN pg_class r ON r.oid = k.confrelid"
            + " JOIN pg_namespace rn ON rn.oid = r.relnamespace"
            + " WHERE k.contype = 'f' AND k.conparentid = 0"
            + " AND k.conrelid IN (SELECT to_regclass(t) FROM unnest(?::text[]) t)"
            + " ORDER BY cn.nspname, c.relname, k.conname";
    return qualifiedNames(
        source,
        () -> {
          var keys = new ArrayList<SourceKey>();
          try (PreparedStatement ps = source.prepareStatement(query)) {
            ps.setArray(
                1,
                source.createArrayOf(
                    "text", tables.stream().map(QualifiedTable::sql).toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String definition = rs.getString(6);
                if (definition.endsWith(NOT_VALID)) {
                  definition = definition.substring(0, definition.length() - NOT_VALID.length());
                }
                keys.add(
                    new SourceKey(
                        rs.getString(1),
                        new QualifiedTable(rs.getString(2), rs.getString(3)),
                        new QualifiedTable(rs.getString(4), rs.getString(5)),
                        definition,
                        rs.getBoolean(7)));
              }
            }
          }
          return keys;
        });
  }

  private interface Read<T> {
    T run() throws SQLException;
  }

  /**
   * Runs catalog reads with only pg_catalog on the search path, so pg_get_constraintdef qualifies
   * every table it names and a definition read on one server means the same on the other.
   */
  private static <T> T qualifiedNames(Connection c, Read<T> read) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL search_path = pg_catalog");
      }
      T result = read.run();
      c.commit();
      return result;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}
