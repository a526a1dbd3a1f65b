package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The table the rename scenario works on: {@code users(id, user_name, email, created_at)} with
 * user_name NOT NULL and a default, as real schemas have, so that the migration has to carry both
 * onto the new column.
 */
public final class UsersTable {
  private UsersTable() {}

  public static void create(Connection c, long rows) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE users (id bigserial PRIMARY KEY, user_name varchar(255) NOT NULL DEFAULT"
              + " '', email text, created_at timestamptz NOT NULL DEFAULT now())");
      s.execute(
          "INSERT INTO users (user_name, email) SELECT 'user-' || g, 'user-' || g ||"
              + " '@example.com' FROM generate_series(1, "
              + rows
              + ") g");
      s.execute("ANALYZE users");
    }
  }

  public static void create(TestDatabase db, long rows) {
    try (Connection c = db.connect()) {
      create(c, rows);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
