package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * One keyset batch of a backfill: a single statement picks the next {@code size} keys after the
 * checkpoint (never OFFSET) up to the key that was last when the backfill started, writes the rows
 * of that range that are out of sync, and the checkpoint moves in the same transaction. A killed
 * worker therefore never loses or double-counts a batch, and re-running a batch changes nothing.
 */
public final class BackfillBatch {
  private final BackfillTarget target;
  private final String migration;

  public BackfillBatch(BackfillTarget target, String migration) {
    this.target = target;
    this.migration = migration;
  }

  /**
   * Marks the session as this target's backfill: the operation's own sync trigger lets its batches
   * through (each batch writes the value itself), while the triggers of other operations on the
   * same table still fire and keep their own columns right.
   */
  public static void claimSession(Connection c, BackfillTarget target) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT set_config('dovetail.backfill', ?, false)")) {
      ps.setString(1, target.operationId());
      ps.execute();
    }
  }

  /** The last key now: rows inserted after it are kept in sync by the trigger, not the backfill. */
  public String upperBound(Connection c) throws SQLException {
    try (var s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT max(" + target.key() + ")::text FROM " + target.qualifiedTable())) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Runs and commits one batch; {@code c} must be in autocommit mode, and is left so. */
  public BatchResult run(Connection c, String afterKey, String upperKey, int size)
      throws SQLException {
    long start = System.nanoTime();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement(sql(afterKey != null))) {
      int i = 1;
      if (afterKey != null) {
        ps.setString(i++, afterKey);
      }
      ps.setString(i++, upperKey);
      ps.setInt(i, size);
      BatchResult result;
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        result =
            new BatchResult(
                rs.getString(1),
                rs.getLong(2),
                rs.getLong(3),
                Duration.ofNanos(System.nanoTime() - start));
      }
      if (!result.endOfTable()) {
        Bookkeeping.checkpoint(
            c,
            migration,
            target.operationId(),
            result.lastKey(),
            result.rowsScanned(),
            result.rowsUpdated(),
            size);
      }
      c.commit();
      return new BatchResult(
          result.lastKey(),
          result.rowsScanned(),
          result.rowsUpdated(),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private String sql(boolean hasLowerBound) {
    String key = target.key();
    String cast = "CAST(? AS " + target.keyType() + ")";
    String lower = hasLowerBound ? key + " > " + cast + " AND " : "";
    return "WITH dovetail_batch AS (SELECT "
        + key
        + " AS dovetail_key FROM "
        + target.qualifiedTable()
        + " WHERE "
        + lower
        + key
        + " <= "
        + cast
        + " ORDER BY "
        + key
        + " LIMIT ?),"
        + " dovetail_updated AS (UPDATE "
        + target.qualifiedTable()
        + " AS dovetail_t SET "
        + target.assignment()
        + " FROM dovetail_batch WHERE dovetail_t."
        + key
        + " = dovetail_batch.dovetail_key AND "
        + target.outOfSyncPredicate()
        + " RETURNING 1)"
        + " SELECT (SELECT max(dovetail_key)::text FROM dovetail_batch),"
        + " (SELECT count(*) FROM dovetail_batch), (SELECT count(*) FROM dovetail_updated)";
  }
}
