package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Whether the target has applied everything the source had committed at a moment: the source's WAL
 * insert position is taken after a read, then the cutover's slot must confirm (the subscriber
 * reports what it applied and flushed) a position at or beyond it. An idle source moves no WAL, so
 * the heartbeat is written while waiting: its commit lies beyond the position and, once applied,
 * carries the slot past it.
 */
final class AppliedPosition {
  private static final long POLL_MILLIS = 100;
  private static final long BEAT_MILLIS = 1000;

  private AppliedPosition() {}

  /** The source's WAL position now; every commit a read before this call saw lies before it. */
  static String now(Connection source) throws SQLException {
    try (PreparedStatement ps =
            source.prepareStatement("SELECT pg_current_wal_insert_lsn()::text");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** True once the slot confirmed {@code lsn}; false when {@code timeout} passed first. */
  static boolean await(Connection source, CutoverNames names, String lsn, Duration timeout)
      throws SQLException {
    boolean beat =
        Replication.exists(source, "SELECT to_regclass(?) IS NOT NULL", Bookkeeping.HEARTBEAT);
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextBeat = 0;
    while (true) {
      if (confirmed(source, names.slot(), lsn)) {
        return true;
      }
      long now = System.nanoTime();
      if (now > deadline) {
        return false;
      }
      if (beat && now >= nextBeat) {
        Heartbeat.write(source, names.key());
        nextBeat = now + Duration.ofMillis(BEAT_MILLIS).toNanos();
      }
      sleep(POLL_MILLIS);
    }
  }

  private static boolean confirmed(Connection source, String slot, String lsn) throws SQLException {
    try (PreparedStatement ps =
        source.prepareStatement(
            "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots"
                + " WHERE slot_name = ?")) {
      ps.setString(1, lsn);
      ps.setString(2, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException(
              "replication slot "
                  + slot
                  + " does not exist on the source: nothing streams to"
                  + " the target, so a difference could not be told from lag");
        }
        return rs.getBoolean(1);
      }
    }
  }

  static void sleep(long millis) throws SQLException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    }
  }
}
