package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Transactions older than a threshold that hold a lock on one of the tables a migration is about to
 * change: the pre-check that reports them before DDL. Such a transaction makes every DDL attempt
 * wait out its lock_timeout and holds up CREATE INDEX CONCURRENTLY (it waits for older snapshots),
 * so the user should see it. pg_stat_activity never shows bind values, and only the first 60
 * characters of the statement are read.
 */
public final class LongTransactions {
  static final int QUERY_CHARS = 60;
  private static final int LIMIT = 10;

  private LongTransactions() {}

  /**
   * @param tables qualified, quoted names (as {@code SchemaChange.lockedTable()}); missing tables
   *     match nothing
   */
  public static List<Blocker> holdingLocksOn(Connection c, List<String> tables, Duration olderThan)
      throws SQLException {
    var found = new ArrayList<Blocker>();
    if (tables.isEmpty()) {
      return found;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.pid, a.state, a.xact_start, a.application_name, left(a.query, ?)"
                + " FROM pg_stat_activity a"
                + " WHERE a.pid <> pg_backend_pid() AND a.datname = current_database()"
                + " AND a.xact_start < clock_timestamp() - make_interval(secs => ?)"
                + " AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
                + " AND l.locktype = 'relation'"
                + " AND l.relation IN (SELECT to_regclass(t) FROM unnest(?::text[]) t))"
                + " ORDER BY a.xact_start, a.pid LIMIT ?")) {
      ps.setInt(1, QUERY_CHARS);
      ps.setDouble(2, olderThan.toMillis() / 1000.0);
      ps.setArray(3, c.createArrayOf("text", tables.toArray()));
      ps.setInt(4, LIMIT);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(Blocker.read(rs, 1));
        }
      }
    }
    return found;
  }
}
