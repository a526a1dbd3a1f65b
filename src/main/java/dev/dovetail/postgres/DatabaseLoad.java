package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * How busy the migrated database is, from pg_stat_activity: client backends of this database
 * running a query ({@code state = 'active'}) and those waiting on a heavyweight lock ({@code
 * wait_event_type = 'Lock'}). The measuring session itself, other databases and background
 * processes (autovacuum, walsenders, checkpointer...) are not counted: only client backends are the
 * application's load. Without pg_monitor (pg_read_all_stats) PostgreSQL hides other roles' state
 * and wait events, so those backends count as neither.
 *
 * @param maxConnections the server's max_connections, the base of the default active limit
 */
public record DatabaseLoad(int activeBackends, int lockWaiters, int maxConnections) {

  /** {@code gates.maxActiveConnections: 0} stands for this share of max_connections. */
  static final double DEFAULT_ACTIVE_SHARE = 0.9;

  private static final String SQL =
      "SELECT count(*) FILTER (WHERE a.state = 'active'),"
          + " count(*) FILTER (WHERE a.wait_event_type = 'Lock'),"
          + " current_setting('max_connections')::int"
          + " FROM pg_stat_activity a"
          + " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()"
          + " AND a.backend_type = ?";

  public static DatabaseLoad measure(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SQL)) {
      ps.setString(1, "client backend");
      try (var rs = ps.executeQuery()) {
        rs.next();
        return new DatabaseLoad(rs.getInt(1), rs.getInt(2), rs.getInt(3));
      }
    }
  }

  /** The active-backend limit a gate value stands for (0: 90% of max_connections, at least 1). */
  public int activeLimit(int maxActiveConnections) {
    if (maxActiveConnections > 0) {
      return maxActiveConnections;
    }
    return Math.max(1, (int) Math.floor(maxConnections * DEFAULT_ACTIVE_SHARE));
  }

  /**
   * Why the backfill must wait, naming the measured value and the gate field, or empty when the
   * load is within both gates. Lock waits come first: they are the sharper sign that the
   * application is queueing.
   */
  public Optional<String> overGates(int maxActiveConnections, int maxLockWaits) {
    if (lockWaiters > maxLockWaits) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "database load: %d backends waiting on locks > gates.maxLockWaits %d",
              lockWaiters,
              maxLockWaits));
    }
    int limit = activeLimit(maxActiveConnections);
    if (activeBackends > limit) {
      String gate =
          maxActiveConnections > 0
              ? "gates.maxActiveConnections " + limit
              : "gates.maxActiveConnections "
                  + limit
                  + " (90% of max_connections "
                  + maxConnections
                  + ")";
      return Optional.of(
          String.format(
              Locale.ROOT, "database load: %d active backends > %s", activeBackends, gate));
    }
    return Optional.empty();
  }
}
