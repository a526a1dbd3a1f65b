package dev.dovetail.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Dovetail's small {@code dovetail} schema inside the migrated database: what the operator did
 * (recorded in the same transaction as the DDL), the workers' checkpoints and results, and the
 * pause switch. The database is the source of truth, so a restarted operator — or a fresh API
 * server in local mode — picks up exactly where the last one stopped.
 */
public final class Bookkeeping {
  private static final long INSTALL_LOCK = 0x646f7665L; // "dove": serialises concurrent installs

  private Bookkeeping() {}

  public static void install(Connection c) throws SQLException {
    if (installed(c) && upgraded(c)) {
      return;
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + INSTALL_LOCK + ")");
      s.execute("CREATE SCHEMA IF NOT EXISTS dovetail");
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.operations (migration text NOT NULL, operation_id"
              + " text NOT NULL, spec jsonb NOT NULL, state text NOT NULL, expanded_at timestamptz"
              + " NOT NULL DEFAULT clock_timestamp(), contracted_at timestamptz, PRIMARY KEY"
              + " (migration, operation_id))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.backfill_progress (migration text NOT NULL,"
              + " operation_id text NOT NULL, job text NOT NULL, last_key text, rows_done bigint NOT"
              + " NULL DEFAULT 0, rows_updated bigint NOT NULL DEFAULT 0, rows_total bigint NOT NULL"
              + " DEFAULT 0, batch_size int NOT NULL DEFAULT 0, throttled text, started_at"
              + " timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL"
              + " DEFAULT clock_timestamp(), finished_at timestamptz, PRIMARY KEY (migration,"
              + " operation_id))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.verification (migration text NOT NULL, operation_id"
              + " text NOT NULL, job text NOT NULL, rows_checked bigint NOT NULL, rows_missing bigint"
              + " NOT NULL, rows_differing bigint NOT NULL, sample_keys text[] NOT NULL, finished_at"
              + " timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (migration,"
              + " operation_id, job))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.control (migration text PRIMARY KEY, paused boolean"
              + " NOT NULL DEFAULT false)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.wal_marks (lsn pg_lsn NOT NULL, at timestamptz NOT NULL)");
      // Same-table serialisation across DatabaseMigrations: one row per claimed table, its
      // primary key makes claiming atomic across operator replicas and restarts.
      s.execute(
          "CREATE TABLE IF NOT EXISTS dovetail.table_claims (table_name text PRIMARY KEY, migration"
              + " text NOT NULL, claimed_at timestamptz NOT NULL DEFAULT clock_timestamp())");
      // Stages of several steps, and the last failed step (for the condition and its retry).
      s.execute(
          "ALTER TABLE dovetail.operations ADD COLUMN IF NOT EXISTS step int NOT NULL DEFAULT 0,"
              + " ADD COLUMN IF NOT EXISTS failure_reason text, ADD COLUMN IF NOT EXISTS failure"
              + " text, ADD COLUMN IF NOT EXISTS failed_at timestamptz");
      // What a contract drops and its uncontract builds again (dropIndex: the index definition),
      // written before the contract runs: neither the catalog nor the spec has it afterwards.
      s.execute(
          "ALTER TABLE dovetail.operations ADD COLUMN IF NOT EXISTS kept_for_uncontract jsonb");
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static boolean installed(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('dovetail.wal_marks') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static boolean upgraded(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = 'dovetail.operations'::regclass"
                    + " AND attname IN ('failed_at', 'kept_for_uncontract') AND NOT attisdropped")) {
      rs.next();
      if (rs.getLong(1) != 2) {
        return false;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('dovetail.table_claims') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  // --- table claims -----------------------------------------------------------------------

  /** Who holds each of these tables (quoted qualified names); unclaimed tables are absent. */
  public static java.util.Map<String, String> claims(Connection c, List<String> tables)
      throws SQLException {
    var holders = new java.util.LinkedHashMap<String, String>();
    if (tables.isEmpty() || !claimsInstalled(c)) {
      return holders;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT table_name, migration FROM dovetail.table_claims WHERE table_name = ANY (?)"
                + " ORDER BY claimed_at, table_name")) {
      ps.setArray(1, c.createArrayOf("text", tables.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          holders.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return holders;
  }

  /**
   * Claims every table for {@code migration}, all or none: when another migration holds one of them
   * the transaction is rolled back and its holders are returned (empty when claimed).
   */
  public static java.util.Map<String, String> claim(
      Connection c, String migration, List<String> tables) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      for (String table : tables) {
        update(
            c,
            "INSERT INTO dovetail.table_claims (table_name, migration) VALUES (?, ?) ON CONFLICT"
                + " (table_name) DO NOTHING",
            table,
            migration);
      }
      var others = new java.util.LinkedHashMap<String, String>();
      claims(c, tables)
          .forEach(
              (table, holder) -> {
                if (!holder.equals(migration)) {
                  others.put(table, holder);
                }
              });
      if (others.isEmpty()) {
        c.commit();
      } else {
        c.rollback();
      }
      return others;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** When {@code migration} first claimed its tables (its expand started), if it holds any. */
  public static java.util.Optional<java.time.Instant> claimedAt(Connection c, String migration)
      throws SQLException {
    if (!claimsInstalled(c)) {
      return java.util.Optional.empty();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT min(claimed_at) FROM dovetail.table_claims WHERE migration = ?")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        var at = rs.getTimestamp(1);
        return at == null ? java.util.Optional.empty() : java.util.Optional.of(at.toInstant());
      }
    }
  }

  /** Lets go of every table {@code migration} holds (it is done, abandoned or deleted). */
  public static void release(Connection c, String migration) throws SQLException {
    if (claimsInstalled(c)) {
      update(c, "DELETE FROM dovetail.table_claims WHERE migration = ?", migration);
    }
  }

  private static boolean claimsInstalled(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('dovetail.table_claims') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  // --- operations -------------------------------------------------------------------------

  /**
   * Moves an operation to {@code state} with {@code step} steps of its stage done, clearing any
   * recorded failure; the row is created on the first step.
   */
  public static void advance(
      Connection c, String migration, String operationId, String specJson, String state, int step)
      throws SQLException {
    update(
        c,
        "INSERT INTO dovetail.operations (migration, operation_id, spec, state, step) VALUES (?, ?,"
            + " ?::jsonb, ?, ?) ON CONFLICT (migration, operation_id) DO UPDATE SET state ="
            + " excluded.state, step = excluded.step, failure_reason = NULL, failure = NULL,"
            + " failed_at = NULL, contracted_at = CASE WHEN excluded.state = 'contracted' THEN"
            + " clock_timestamp() WHEN excluded.state IN ('validated', 'expanded') THEN NULL ELSE"
            + " dovetail.operations.contracted_at END",
        migration,
        operationId,
        specJson,
        state,
        step);
  }

  /**
   * Records that the next step of an operation failed, keeping its state; the row is created (as an
   * expand not yet begun) when the very first step failed, so that undoing it is not forgotten.
   */
  public static void recordFailure(
      Connection c,
      String migration,
      String operationId,
      String specJson,
      String reason,
      String message)
      throws SQLException {
    update(
        c,
        "INSERT INTO dovetail.operations (migration, operation_id, spec, state, step,"
            + " failure_reason, failure, failed_at) VALUES (?, ?, ?::jsonb, 'expanding', 0, ?, ?,"
            + " clock_timestamp()) ON CONFLICT (migration, operation_id) DO UPDATE SET"
            + " failure_reason = excluded.failure_reason, failure = excluded.failure, failed_at ="
            + " excluded.failed_at",
        migration,
        operationId,
        specJson,
        reason,
        message);
  }

  /**
   * Keeps what the operation's contract is about to drop, so that uncontract can build it again
   * after a restart and whatever the spec says by then (see {@link
   * OperationRecord#keptForUncontract}).
   */
  public static void keepForUncontract(
      Connection c, String migration, String operationId, String keptJson) throws SQLException {
    update(
        c,
        "UPDATE dovetail.operations SET kept_for_uncontract = ?::jsonb WHERE migration = ? AND"
            + " operation_id = ?",
        keptJson,
        migration,
        operationId);
  }

  /** Records a finished stage (expanded, validated, contracted, ...). */
  public static void recordOperation(
      Connection c, String migration, String operationId, String specJson, String state)
      throws SQLException {
    advance(c, migration, operationId, specJson, state, 0);
  }

  public static List<OperationRecord> operations(Connection c, String migration)
      throws SQLException {
    var records = new ArrayList<OperationRecord>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT operation_id, spec::text, state, expanded_at, contracted_at, step,"
                + " failure_reason, failure, failed_at, kept_for_uncontract::text FROM"
                + " dovetail.operations WHERE migration = ? ORDER BY expanded_at")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          records.add(
              new OperationRecord(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  instant(rs, 4),
                  instant(rs, 5),
                  rs.getInt(6),
                  rs.getString(7),
                  rs.getString(8),
                  instant(rs, 9),
                  rs.getString(10)));
        }
      }
    }
    return records;
  }

  /** Forgets an operation whose expansion was undone, with its checkpoints and results. */
  public static void deleteOperation(Connection c, String migration, String operationId)
      throws SQLException {
    for (String table : List.of("operations", "backfill_progress", "verification")) {
      update(
          c,
          "DELETE FROM dovetail." + table + " WHERE migration = ? AND operation_id = ?",
          migration,
          operationId);
    }
  }

  public static void forgetMigration(Connection c, String migration) throws SQLException {
    for (String table : List.of("operations", "backfill_progress", "verification", "control")) {
      update(c, "DELETE FROM dovetail." + table + " WHERE migration = ?", migration);
    }
  }

  // --- backfill checkpoints ---------------------------------------------------------------

  /** Creates the checkpoint row if absent; an existing one (a resumed run) is kept. */
  public static void startBackfill(
      Connection c, String migration, String operationId, String job, long rowsTotal)
      throws SQLException {
    update(
        c,
        "INSERT INTO dovetail.backfill_progress (migration, operation_id, job, rows_total) VALUES"
            + " (?, ?, ?, ?) ON CONFLICT (migration, operation_id) DO UPDATE SET job = excluded.job",
        migration,
        operationId,
        job,
        rowsTotal);
  }

  static void checkpoint(
      Connection c,
      String migration,
      String operationId,
      String lastKey,
      long scanned,
      long updated,
      int batchSize)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE dovetail.backfill_progress SET last_key = ?, rows_done = rows_done + ?,"
                + " rows_updated = rows_updated + ?, batch_size = ?, updated_at = clock_timestamp()"
                + " WHERE migration = ? AND operation_id = ?")) {
      ps.setString(1, lastKey);
      ps.setLong(2, scanned);
      ps.setLong(3, updated);
      ps.setInt(4, batchSize);
      ps.setString(5, migration);
      ps.setString(6, operationId);
      ps.executeUpdate();
    }
  }

  public static void setThrottled(Connection c, String migration, String operationId, String reason)
      throws SQLException {
    update(
        c,
        "UPDATE dovetail.backfill_progress SET throttled = ?, updated_at = clock_timestamp() WHERE"
            + " migration = ? AND operation_id = ? AND throttled IS DISTINCT FROM ?",
        reason,
        migration,
        operationId,
        reason);
  }

  public static void finishBackfill(Connection c, String migration, String operationId)
      throws SQLException {
    update(
        c,
        "UPDATE dovetail.backfill_progress SET finished_at = clock_timestamp(), throttled = NULL,"
            + " updated_at = clock_timestamp() WHERE migration = ? AND operation_id = ?",
        migration,
        operationId);
  }

  public static Optional<BackfillProgress> backfillProgress(
      Connection c, String migration, String operationId) throws SQLException {
    return backfillProgress(c, migration).stream()
        .filter(p -> p.operationId().equals(operationId))
        .findFirst();
  }

  public static List<BackfillProgress> backfillProgress(Connection c, String migration)
      throws SQLException {
    var list = new ArrayList<BackfillProgress>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT operation_id, job, last_key, rows_done, rows_updated, rows_total, batch_size,"
                + " throttled, started_at, updated_at, finished_at FROM dovetail.backfill_progress"
                + " WHERE migration = ? ORDER BY operation_id")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(
              new BackfillProgress(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getLong(6),
                  rs.getInt(7),
                  rs.getString(8),
                  instant(rs, 9),
                  instant(rs, 10),
                  instant(rs, 11)));
        }
      }
    }
    return list;
  }

  // --- verification -----------------------------------------------------------------------

  public static void recordVerification(Connection c, String migration, VerificationRecord v)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dovetail.verification (migration, operation_id, job, rows_checked,"
                + " rows_missing, rows_differing, sample_keys) VALUES (?, ?, ?, ?, ?, ?, ?) ON"
                + " CONFLICT (migration, operation_id, job) DO UPDATE SET rows_checked ="
                + " excluded.rows_checked, rows_missing = excluded.rows_missing, rows_differing ="
                + " excluded.rows_differing, sample_keys = excluded.sample_keys, finished_at ="
                + " clock_timestamp()")) {
      ps.setString(1, migration);
      ps.setString(2, v.operationId());
      ps.setString(3, v.job());
      ps.setLong(4, v.rowsChecked());
      ps.setLong(5, v.rowsMissing());
      ps.setLong(6, v.rowsDiffering());
      ps.setArray(7, c.createArrayOf("text", v.sampleKeys().toArray()));
      ps.executeUpdate();
    }
  }

  public static Optional<VerificationRecord> verification(
      Connection c, String migration, String operationId, String job) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT rows_checked, rows_missing, rows_differing, sample_keys, finished_at FROM"
                + " dovetail.verification WHERE migration = ? AND operation_id = ? AND job = ?")) {
      ps.setString(1, migration);
      ps.setString(2, operationId);
      ps.setString(3, job);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Array keys = rs.getArray(4);
        return Optional.of(
            new VerificationRecord(
                operationId,
                job,
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                Arrays.asList((String[]) keys.getArray()),
                instant(rs, 5)));
      }
    }
  }

  // --- pause switch -----------------------------------------------------------------------

  public static void setPaused(Connection c, String migration, boolean paused) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dovetail.control (migration, paused) VALUES (?, ?) ON CONFLICT (migration)"
                + " DO UPDATE SET paused = excluded.paused")) {
      ps.setString(1, migration);
      ps.setBoolean(2, paused);
      ps.executeUpdate();
    }
  }

  public static boolean paused(Connection c, String migration) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT paused FROM dovetail.control WHERE migration = ?")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
