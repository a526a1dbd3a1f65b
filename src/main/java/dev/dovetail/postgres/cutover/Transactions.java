package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Runs statements in one transaction on an autocommit connection. */
final class Transactions {
  private Transactions() {}

  static void inOne(Connection c, List<String> statements) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
