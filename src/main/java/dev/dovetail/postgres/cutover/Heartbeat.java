package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * End-to-end lag: a row on the source stamped with the source's clock, replicated like user data;
 * the lag is the source's now minus the newest stamp the target has applied. Both times come from
 * the source's clock, so clock skew between the servers does not enter.
 */
final class Heartbeat {
  private Heartbeat() {}

  static void write(Connection source, String cutover) throws SQLException {
    try (PreparedStatement ps =
        source.prepareStatement(
            "INSERT INTO "
                + Bookkeeping.HEARTBEAT
                + " (cutover, beat_at) VALUES (?, clock_timestamp())"
                + " ON CONFLICT (cutover) DO UPDATE SET beat_at = excluded.beat_at")) {
      ps.setString(1, cutover);
      ps.executeUpdate();
    }
  }

  /** Null when the target has not applied any heartbeat of this cutover yet. */
  static Duration lag(Connection source, Connection target, String cutover) throws SQLException {
    double applied;
    try (PreparedStatement ps =
        target.prepareStatement(
            "SELECT extract(epoch FROM beat_at) FROM "
                + Bookkeeping.HEARTBEAT
                + " WHERE cutover = ?")) {
      ps.setString(1, cutover);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        applied = rs.getDouble(1);
      }
    }
    try (PreparedStatement ps =
            source.prepareStatement("SELECT extract(epoch FROM clock_timestamp())");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Duration.ofMillis(Math.max(0, Math.round((rs.getDouble(1) - applied) * 1000)));
    }
  }

  static void remove(Connection c, String cutover) throws SQLException {
    if (!Replication.exists(c, "SELECT to_regclass(?) IS NOT NULL", Bookkeeping.HEARTBEAT)) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Bookkeeping.HEARTBEAT + " WHERE cutover = ?")) {
      ps.setString(1, cutover);
      ps.executeUpdate();
    }
  }
}
