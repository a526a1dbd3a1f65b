package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's own reads never queue behind a lock. Catalog functions (pg_get_expr,
 * pg_relation_size...) open the table under ACCESS SHARE, which waits behind an ACCESS EXCLUSIVE
 * holder (a user's ALTER TABLE, VACUUM FULL or forgotten LOCK TABLE) for as long as it lasts, and
 * the reconcile with it, status included. The operator's connection therefore starts with a short
 * lock_timeout; a read that runs into it names the holders instead.
 */
public final class ExclusiveLocks {
  /** The operator connection's lock_timeout: reads wait this long at most. */
  public static final Duration READ_LOCK_TIMEOUT = Duration.ofSeconds(1);

  private ExclusiveLocks() {}

  public static boolean isLockTimeout(SQLException e) {
    return DdlRunner.LOCK_NOT_AVAILABLE.equals(e.getSQLState());
  }

  /**
   * Sessions holding ACCESS EXCLUSIVE on a table of this database, each with the table, oldest
   * transaction first (at most 5): what a read of the operator can have waited for.
   */
  public static List<String> holders(Connection c) throws SQLException {
    var holders = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname || '.' || c.relname, a.pid, a.state, a.xact_start,"
                + " a.application_name, left(a.query, 80) FROM pg_locks l JOIN pg_stat_activity a"
                + " ON a.pid = l.pid JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON"
                + " n.oid = c.relnamespace"
                + " WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname ="
                + " current_database()) AND a.pid <> pg_backend_pid() ORDER BY a.xact_start NULLS"
                + " LAST LIMIT 5")) {
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          holders.add(rs.getString(1) + " held by " + Blocker.read(rs, 2).describe());
        }
      }
    }
    return holders;
  }
}
