package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs DDL without ever queueing behind a lock for long. An ALTER TABLE waiting for its lock blocks
 * every later query on the table for as long as it waits, so each attempt runs under a short
 * lock_timeout; a timed-out attempt is rolled back and retried after an exponential backoff with
 * full jitter. The longest stall an application sees is one lock_timeout, not the blocker's
 * lifetime. When the attempts run out, the holders of the lock are named.
 */
public final class DdlRunner {
  static final String LOCK_NOT_AVAILABLE = "55P03";
  static final String DEADLOCK_DETECTED = "40P01";
  static final Duration BACKOFF_BASE = Duration.ofMillis(100);
  static final Duration BACKOFF_CAP = Duration.ofSeconds(5);

  /** Work that commits in the same transaction as the DDL, e.g. the bookkeeping row. */
  @FunctionalInterface
  public interface TransactionBody {
    void run(Connection c) throws SQLException;
  }

  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private final int maxAttempts;

  public DdlRunner(Duration lockTimeout, Duration statementTimeout, int maxAttempts) {
    this.lockTimeout = lockTimeout;
    this.statementTimeout = statementTimeout;
    this.maxAttempts = Math.max(1, maxAttempts);
  }

  /**
   * Runs the statements and then {@code afterDdl} in one transaction.
   *
   * @param lockedTable quoted, qualified table the DDL locks, to name its blockers
   */
  public DdlOutcome run(
      Connection c, String lockedTable, List<String> statements, TransactionBody afterDdl)
      throws SQLException, LockBusyException {
    long start = System.nanoTime();
    long longest = 0;
    boolean autoCommit = c.getAutoCommit();
    try {
      c.setAutoCommit(false);
      for (int attempt = 1; ; attempt++) {
        long attemptStart = System.nanoTime();
        try {
          setLocal(c, "lock_timeout", lockTimeout);
          setLocal(c, "statement_timeout", statementTimeout);
          try (Statement s = c.createStatement()) {
            for (String sql : statements) {
              s.execute(sql);
            }
          }
          if (afterDdl != null) {
            afterDdl.run(c);
          }
          c.commit();
          longest = Math.max(longest, System.nanoTime() - attemptStart);
          return new DdlOutcome(
              attempt, Duration.ofNanos(longest), Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException e) {
          c.rollback();
          longest = Math.max(longest, System.nanoTime() - attemptStart);
          if (!retryable(e)) {
            throw e;
          }
          if (attempt >= maxAttempts) {
            c.setAutoCommit(true);
            throw new LockBusyException(lockedTable, attempt, lockTimeout, holders(c, lockedTable));
          }
          sleep(backoff(attempt));
        }
      }
    } finally {
      if (c.getAutoCommit() != autoCommit) {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  /**
   * Runs one statement that cannot run inside a transaction block (CREATE INDEX CONCURRENTLY), with
   * the same timeouts, set for the session and reset afterwards, and the same retries.
   */
  public DdlOutcome runOutsideTransaction(Connection c, String lockedTable, String statement)
      throws SQLException, LockBusyException {
    long start = System.nanoTime();
    long longest = 0;
    try {
      for (int attempt = 1; ; attempt++) {
        long attemptStart = System.nanoTime();
        try (Statement s = c.createStatement()) {
          setSession(c, "lock_timeout", lockTimeout);
          setSession(c, "statement_timeout", statementTimeout);
          s.execute(statement);
          longest = Math.max(longest, System.nanoTime() - attemptStart);
          return new DdlOutcome(
              attempt, Duration.ofNanos(longest), Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException e) {
          longest = Math.max(longest, System.nanoTime() - attemptStart);
          if (!retryable(e)) {
            throw e;
          }
          if (attempt >= maxAttempts) {
            throw new LockBusyException(lockedTable, attempt, lockTimeout, holders(c, lockedTable));
          }
          sleep(backoff(attempt));
        }
      }
    } finally {
      try (Statement s = c.createStatement()) {
        s.execute("RESET lock_timeout");
        s.execute("RESET statement_timeout");
      }
    }
  }

  static boolean retryable(SQLException e) {
    return LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || DEADLOCK_DETECTED.equals(e.getSQLState());
  }

  /** Full jitter: uniform in [0, min(cap, base · 2^(attempt-1))]. */
  static Duration backoff(int attempt) {
    long ceiling =
        Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  private static void setLocal(Connection c, String setting, Duration value) throws SQLException {
    set(c, setting, value, true);
  }

  private static void setSession(Connection c, String setting, Duration value) throws SQLException {
    set(c, setting, value, false);
  }

  private static void set(Connection c, String setting, Duration value, boolean local)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, ?)")) {
      ps.setString(1, setting);
      ps.setString(2, value.toMillis() + "ms");
      ps.setBoolean(3, local);
      ps.execute();
    }
  }

  /** Backends holding a granted lock on the table, oldest transaction first. */
  static List<Blocker> holders(Connection c, String lockedTable) throws SQLException {
    var blockers = new ArrayList<Blocker>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT a.pid, a.state, a.xact_start, a.application_name, left(a.query, 80)"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.relation ="
                + " to_regclass(?) AND l.granted AND a.pid <> pg_backend_pid() ORDER BY"
                + " a.xact_start NULLS LAST LIMIT 5")) {
      ps.setString(1, lockedTable);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          blockers.add(Blocker.read(rs, 1));
        }
      }
    }
    return blockers;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while backing off", e);
    }
  }
}
