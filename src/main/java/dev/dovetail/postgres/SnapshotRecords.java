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
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.snapshot_failures (migration text NOT NULL,"
              + " generation bigint NOT NULL, job text NOT NULL, message text NOT NULL, failed_at"
              + " timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (migration,"
              + " generation))");
    }
  }

  /** The last failed attempt of a generation's dump Job; each attempt replaces the one before. */
  public record DumpFailure(String job, String message, Instant failedAt) {}

  /** Longest message kept: enough for pg_dump's last lines, short enough for a condition. */
  static final int MAX_MESSAGE = 500;

  public static void recordFailure(
      Connection c, String migration, long generation, String job, String message)
      throws SQLException {
    install(c);
    String kept = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dovetail.snapshot_failures (migration, generation, job, message) VALUES"
                + " (?, ?, ?, ?) ON CONFLICT (migration, generation) DO UPDATE SET job ="
                + " EXCLUDED.job, message = EXCLUDED.message, failed_at = clock_timestamp()")) {
      ps.setString(1, migration);
      ps.setLong(2, generation);
      ps.setString(3, job);
      ps.setString(4, kept);
      ps.executeUpdate();
    }
  }

  /** The last recorded failure of this generation's dump, if an attempt failed. */
  public static Optional<DumpFailure> findFailure(Connection c, String migration, long generation)
      throws SQLException {
    if (!exists(c, "dovetail.snapshot_failures")) {
      return Optional.empty();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT job, message, failed_at FROM dovetail.snapshot_failures WHERE migration = ?"
                + " AND generation = ?")) {
      ps.setString(1, migration);
      ps.setLong(2, generation);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new DumpFailure(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
            : Optional.empty();
      }
    }
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
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
    if (!exists(c, "dovetail.snapshots")) {
      return Optional.empty();
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
