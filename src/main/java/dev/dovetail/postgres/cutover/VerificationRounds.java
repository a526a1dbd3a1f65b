package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes of dovetail.cutover_verification on the target: a round is numbered and stamped when it
 * starts and gets its counts when it finishes; a round without finished_at crashed or still runs.
 */
final class VerificationRounds {
  private VerificationRounds() {}

  /** The next round number of this cutover (previous maximum + 1), recorded as started now. */
  static long start(Connection target, String cutover) throws SQLException {
    // A lock on the cutover's rows would not cover the first round; one statement keeps the
    // numbering simple, and the primary key refuses a round started twice at once.
    try (PreparedStatement ps =
        target.prepareStatement(
            "INSERT INTO "
                + BookkeepingReads.VERIFICATION
                + " (cutover, round, started_at)"
                + " SELECT ?, coalesce(max(round), 0) + 1, now() FROM "
                + BookkeepingReads.VERIFICATION
                + " WHERE cutover = ? RETURNING round")) {
      ps.setString(1, cutover);
      ps.setString(2, cutover);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static void finish(
      Connection target,
      String cutover,
      long round,
      long chunks,
      long rowsCompared,
      long missingRepaired,
      List<String> differingKeys,
      String readLsn)
      throws SQLException {
    try (PreparedStatement ps =
        target.prepareStatement(
            "UPDATE "
                + BookkeepingReads.VERIFICATION
                + " SET finished_at = now(), chunks = ?, rows_compared = ?, missing_repaired = ?,"
                + " differing = ?, differing_keys = ?, read_lsn = ?::pg_lsn"
                + " WHERE cutover = ? AND round = ?")) {
      ps.setLong(1, chunks);
      ps.setLong(2, rowsCompared);
      ps.setLong(3, missingRepaired);
      ps.setLong(4, differingKeys.size());
      var keys = target.createArrayOf("text", differingKeys.toArray(String[]::new));
      ps.setArray(5, keys);
      ps.setString(6, readLsn);
      ps.setString(7, cutover);
      ps.setLong(8, round);
      ps.executeUpdate();
      keys.free();
    }
  }
}
