package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.ServerErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Moves writes from one side to the other with a bounded pause and nothing lost:
 *
 * <ol>
 *   <li>stop writes on the old side: {@code LOCK ... IN EXCLUSIVE MODE} (reads go on, writers wait)
 *       and the write guard, both in one transaction;
 *   <li>barrier: a heartbeat written on the old side after the lock must arrive on the new side;
 *       replication applies in commit order, so every earlier write has arrived too;
 *   <li>carry the sequences over, then re-plumb replication so it runs new side → old side
 *       (PostgreSQL 15 cannot filter changes by origin, so it never runs both ways at once);
 *   <li>flip the flag, commit: the lock goes, the guard stays, writers that waited fail with the
 *       guard's message and retry on the new side.
 * </ol>
 *
 * Until the flag flips, anything over gates.maxWritePause rolls the transaction back: the guard and
 * the lock vanish and the old side keeps taking writes as before.
 */
public final class WriteSwitch {
  private static final Duration POLL = Duration.ofMillis(20);

  /**
   * @param pause from the moment writes stopped to the moment they could go on
   */
  public record Result(boolean switched, Duration pause, String message) {}

  private final CutoverDatabase db;
  private final List<QualifiedTable> tables;

  public WriteSwitch(CutoverDatabase db, List<QualifiedTable> tables) {
    this.db = db;
    this.tables = tables;
  }

  public Result toward(boolean toTarget, Duration maxPause, Runnable flip) throws SQLException {
    // The re-plumbing after the lock must not give up at the connections' short read timeout;
    // the pause is bounded by the guard's own lock_timeout and the deadline instead.
    return db.waitingForLocks(() -> switchWrites(toTarget, maxPause, flip));
  }

  private Result switchWrites(boolean toTarget, Duration maxPause, Runnable flip)
      throws SQLException {
    String to = toTarget ? "target" : "source";
    String from = toTarget ? "source" : "target";
    CutoverNames names = db.names();
    Connection oldSide = toTarget ? db.source() : db.target();
    Connection newSide = toTarget ? db.target() : db.source();
    PgUri oldUri = toTarget ? db.sourceUri() : db.targetUri();
    try (Connection guard = oldUri.connect("dovetail-write-switch")) {
      guard.setAutoCommit(false);
      Instant start = Instant.now();
      Instant deadline = start.plus(maxPause);
      try (Statement st = guard.createStatement()) {
        st.execute("SET LOCAL lock_timeout = " + Math.max(1, maxPause.toMillis()));
        st.execute(
            "LOCK TABLE "
                + tables.stream().map(QualifiedTable::sql).collect(Collectors.joining(", "))
                + " IN EXCLUSIVE MODE");
      } catch (SQLException e) {
        guard.rollback();
        return aborted(
            start, from, maxPause, "writes could not be stopped: " + ServerErrors.primary(e));
      }
      WriteGuard.install(guard, names, tables, to);
      if (!barrier(oldSide, newSide, names.key(), deadline)) {
        guard.rollback();
        return aborted(
            start,
            from,
            maxPause,
            "the " + to + " had not applied every write of the " + from + " in time");
      }
      int sequences = Sequences.sync(oldSide, newSide, tables);
      if (Instant.now().isAfter(deadline)) {
        guard.rollback();
        return aborted(
            start, from, maxPause, "carrying " + sequences + " sequence(s) took too long");
      }
      if (toTarget) {
        // Forward replication stops for good: its slot would otherwise fill with the reverse
        // apply's changes and keep the source's WAL. A revert starts it afresh.
        Replication.dropSubscription(db.target(), names.subscription());
        Replication.ensurePublication(db.target(), names.reversePublication(), tables);
        createSlot(db.target(), names.reverseSlot());
        Replication.ensureSubscription(
            db.source(),
            names.reverseSubscription(),
            db.targetUri(),
            names.reversePublication(),
            names.reverseSlot());
        WriteGuard.remove(db.target(), names);
      } else {
        Replication.dropSubscription(db.source(), names.reverseSubscription());
        createSlot(db.source(), names.slot());
        Replication.ensureSubscription(
            db.target(), names.subscription(), db.sourceUri(), names.publication(), names.slot());
        WriteGuard.remove(db.source(), names);
      }
      flip.run();
      guard.commit();
      Duration pause = Duration.between(start, Instant.now());
      // Dropped after the commit: a slot lingers active until its walsender exits, and a
      // publication needs a lock on the tables the guard held; neither belongs in the pause.
      if (toTarget) {
        Replication.dropSlot(db.source(), names.slot());
      } else {
        Replication.dropSlot(db.target(), names.reverseSlot());
        Replication.dropPublication(db.target(), names.reversePublication());
      }
      return new Result(
          true,
          pause,
          "writes moved to the "
              + to
              + " after a write pause of "
              + millis(pause)
              + " (gates.maxWritePause "
              + millis(maxPause)
              + "); "
              + sequences
              + " sequence(s) carried over; replication now runs "
              + to
              + " -> "
              + from
              + " and the "
              + from
              + " refuses writes");
    }
  }

  /** Writes a heartbeat on the old side and waits until the new side has applied it. */
  static boolean barrier(Connection oldSide, Connection newSide, String key, Instant deadline)
      throws SQLException {
    Timestamp written = flushedHeartbeat(oldSide, key);
    try (PreparedStatement ps =
        newSide.prepareStatement(
            "SELECT 1 FROM " + Bookkeeping.HEARTBEAT + " WHERE cutover = ? AND beat_at >= ?")) {
      ps.setString(1, key);
      ps.setTimestamp(2, written);
      while (Instant.now().isBefore(deadline)) {
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return true;
          }
        }
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  /**
   * Writes the heartbeat and flushes its commit, whatever synchronous_commit the server runs with:
   * a walsender sends only flushed WAL, so with synchronous_commit = off the barrier would wait for
   * the WAL writer (wal_writer_delay, 200 ms by default) before anything travels. Flushing this
   * commit flushes every earlier one too. {@code local}: no wait for a synchronous standby.
   */
  private static Timestamp flushedHeartbeat(Connection c, String key) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + Bookkeeping.HEARTBEAT
                    + " (cutover, beat_at) VALUES (?, clock_timestamp())"
                    + " ON CONFLICT (cutover) DO UPDATE SET beat_at = excluded.beat_at"
                    + " RETURNING beat_at")) {
      st.execute("SET LOCAL synchronous_commit = local");
      ps.setString(1, key);
      Timestamp written;
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        written = rs.getTimestamp(1);
      }
      c.commit();
      return written;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void createSlot(Connection c, String slot) throws SQLException {
    if (Replication.exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slot);
      ps.execute();
    }
  }

  private static Result aborted(Instant start, String from, Duration maxPause, String why) {
    Duration pause = Duration.between(start, Instant.now());
    return new Result(
        false,
        pause,
        "write switch aborted after "
            + millis(pause)
            + " (gates.maxWritePause "
            + millis(maxPause)
            + "): "
            + why
            + "; the "
            + from
            + " takes writes as before");
  }

  private static String millis(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3fs", d.toMillis() / 1000.0);
  }
}
