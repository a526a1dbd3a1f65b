package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Replica lag, measured rather than assumed. pg_stat_replication.replay_lag alone cannot be
 * trusted: it is only updated when the standby's replay position moves, so a standby whose replay
 * is stuck (or paused) keeps reporting its last small value. Instead every measurement leaves a
 * mark (current WAL position, clock time) in {@code dovetail.wal_marks}; a standby's lag is the age
 * of the oldest mark it has not replayed yet — the time since the primary wrote the first WAL the
 * standby still lacks — or replay_lag if that is larger. Needs rights to read pg_stat_replication
 * (pg_monitor) and to write Dovetail's bookkeeping schema.
 */
public final class ReplicationLag {
  private ReplicationLag() {}

  public static LagReading measure(Connection primary) throws SQLException {
    mark(primary);
    var replicas = new ArrayList<ReplicaLag>();
    try (Statement s = primary.createStatement();
        var rs =
            s.executeQuery(
                "SELECT r.application_name, coalesce(r.client_addr::text, 'local'), r.state,"
                    + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn), 0)::bigint,"
                    + " coalesce(extract(epoch FROM r.replay_lag), 0)::float8,"
                    + " coalesce((SELECT extract(epoch FROM clock_timestamp() - min(m.at)) FROM"
                    + " dovetail.wal_marks m WHERE m.lsn > r.replay_lsn), 0)::float8"
                    + " FROM pg_stat_replication r ORDER BY r.application_name")) {
      while (rs.next()) {
        double seconds = Math.max(rs.getDouble(5), rs.getDouble(6));
        replicas.add(
            new ReplicaLag(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                Duration.ofMillis(Math.round(seconds * 1000)),
                Math.max(0, rs.getLong(4))));
      }
    }
    return new LagReading(Instant.now(), replicas);
  }

  private static void mark(Connection c) throws SQLException {
    Bookkeeping.install(c);
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO dovetail.wal_marks (lsn, at) VALUES (pg_current_wal_lsn(), clock_timestamp())");
      s.execute("DELETE FROM dovetail.wal_marks WHERE at < clock_timestamp() - interval '1 hour'");
    }
  }
}
