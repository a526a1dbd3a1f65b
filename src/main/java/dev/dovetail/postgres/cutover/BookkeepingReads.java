package dev.dovetail.postgres.cutover;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

/**
 * Reads of the workers' bookkeeping on the target, for the controller's status. A table not created
 * yet reads as nothing done rather than as an error: the controller asks before the first Job has
 * run.
 */
final class BookkeepingReads {
  static final String COPY_RANGES = "dovetail.cutover_copy_ranges";
  static final String VERIFICATION = "dovetail.cutover_verification";

  private BookkeepingReads() {}

  static CopyProgress copyProgress(Connection target, String cutover) throws SQLException {
    if (!tableExists(target, COPY_RANGES)) {
      return CopyProgress.NONE;
    }
    try (PreparedStatement ps =
        target.prepareStatement(
            "SELECT count(*) FILTER (WHERE done_at IS NOT NULL), count(*),"
                + " coalesce(sum(rows_copied) FILTER (WHERE done_at IS NOT NULL), 0)"
                + " FROM "
                + COPY_RANGES
                + " WHERE cutover = ?")) {
      ps.setString(1, cutover);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new CopyProgress(rs.getLong(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  /** The newest round with a finish time; a round still running (or crashed) is not a result. */
  static Optional<VerificationRound> latestVerification(Connection target, String cutover)
      throws SQLException {
    if (!tableExists(target, VERIFICATION)) {
      return Optional.empty();
    }
    try (PreparedStatement ps =
        target.prepareStatement(
            "SELECT round, started_at, finished_at, coalesce(chunks, 0),"
                + " coalesce(rows_compared, 0), coalesce(missing_repaired, 0),"
                + " coalesce(differing, 0), coalesce(differing_keys, '{}')"
                + " FROM "
                + VERIFICATION
                + " WHERE cutover = ? AND finished_at IS NOT NULL"
                + " ORDER BY round DESC LIMIT 1")) {
      ps.setString(1, cutover);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new VerificationRound(
                rs.getLong(1),
                rs.getTimestamp(2).toInstant(),
                instant(rs.getTimestamp(3)),
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7),
                strings(rs.getArray(8))));
      }
    }
  }

  static boolean tableExists(Connection c, String table) throws SQLException {
    return Replication.exists(c, "SELECT to_regclass(?) IS NOT NULL", table);
  }

  private static java.time.Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static List<String> strings(Array array) throws SQLException {
    try {
      return List.of((String[]) array.getArray());
    } finally {
      array.free();
    }
  }
}
