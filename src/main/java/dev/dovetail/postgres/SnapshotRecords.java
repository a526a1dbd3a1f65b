package dev.dovetail.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a pgDump snapshot Job wrote, in Dovetail's bookkeeping schema: the worker records it after
 * pg_restore --list checked the file, the operator reads it to let expand run. One row per resource
 * (namespace/name and uid: a re-created resource starts again at generation 1) and spec generation,
 * so a snapshot is taken once per generation however often the operator looks, and a Job removed by
 * its TTL does not make it look untaken.
 */
public final class SnapshotRecords {

  /** A checked dump file. */
  public record DumpRecord(
      String job,
      String file,
      long bytes,
      List<String> tables,
      Duration duration,
      Instant finishedAt) {}

  private SnapshotRecords() {}

  /** Creates the table if needed (the worker may be the first to write to a fresh database). */
  public static void install(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS dovetail");
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.snapshots (migration text NOT NULL, generation"
              + " bigint NOT NULL, job text NOT NULL, file text NOT NULL, bytes bigint NOT NULL,"
              + " tables text[] NOT NULL, duration_ms bigint NOT NULL, finished_at timestamptz NOT"
              + " NULL DEFAULT clock_timestamp(), PRIMARY KEY (migration, generation))");
    }
  }

  public static void record(Connection c, String migration, long generation, DumpRecord r)
      throws SQLException {
    install(c);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dovetail.snapshots (migration, generation, job, file, bytes, tables,"
                + " duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (migration, generation)"
                + " DO UPDATE SET job = EXCLUDED.job, file = EXCLUDED.file, bytes ="
                + " EXCLUDED.bytes, tables = EXCLUDED.tables, duration_ms = EXCLUDED.duration_ms,"
                + " finished_at = clock_timestamp()")) {
      ps.setString(1, migration);
      ps.setLong(2, generation);
      ps.setString(3, r.job());
      ps.setString(4, r.file());
      ps.setLong(5, r.bytes());
      ps.setArray(6, c.createArrayOf("text", r.tables().toArray()));
      ps.setLong(7, r.duration().toMillis());
      ps.executeUpdate();
    }
  }

  /** The dump of this generation, when its Job recorded one. */
  public static Optional<DumpRecord> find(Connection c, String migration, long generation)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('dovetail.snapshots') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return Optional.empty();
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT job, file, bytes, tables, duration_ms, finished_at FROM dovetail.snapshots"
                + " WHERE migration = ? AND generation = ?")) {
      ps.setString(1, migration);
      ps.setLong(2, generation);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Array tables = rs.getArray(4);
        return Optional.of(
            new DumpRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                Arrays.asList((String[]) tables.getArray()),
                Duration.ofMillis(rs.getLong(5)),
                rs.getTimestamp(6).toInstant()));
      }
    }
  }
}
