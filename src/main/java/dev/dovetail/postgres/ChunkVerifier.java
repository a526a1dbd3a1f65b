package dev.dovetail.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies that a backfill target is in sync, inside the database, one primary-key chunk per
 * statement: each chunk returns only its counts and a few sample keys, never its rows. Within one
 * table the sync trigger keeps every committed row version consistent, so any difference found is
 * real, not a race with live writes.
 */
public final class ChunkVerifier {
  private final BackfillTarget target;
  private final int chunkSize;

  public ChunkVerifier(BackfillTarget target, int chunkSize) {
    this.target = target;
    this.chunkSize = chunkSize;
  }

  /** Verifies the whole table; the result carries {@code job} as its run id. */
  public VerificationRecord verify(Connection c, String job) throws SQLException {
    long checked = 0;
    long missing = 0;
    long differing = 0;
    var samples = new ArrayList<String>();
    String after = null;
    while (true) {
      try (PreparedStatement ps = c.prepareStatement(sql(after != null))) {
        int i = 1;
        if (after != null) {
          ps.setString(i++, after);
        }
        ps.setInt(i, chunkSize);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long rows = rs.getLong(2);
          if (rows == 0) {
            break;
          }
          after = rs.getString(1);
          checked += rows;
          missing += rs.getLong(3);
          differing += rs.getLong(4);
          var keys = rs.getArray(5);
          if (keys != null && samples.size() < 5) {
            samples.addAll(Arrays.asList((String[]) keys.getArray()));
          }
          if (rows < chunkSize) {
            break;
          }
        }
      }
    }
    List<String> sample = List.copyOf(samples.subList(0, Math.min(5, samples.size())));
    return new VerificationRecord(
        target.operationId(), job, checked, missing, differing, sample, null);
  }

  private String sql(boolean hasLowerBound) {
    String key = target.key();
    String lower = hasLowerBound ? " WHERE " + key + " > CAST(? AS " + target.keyType() + ")" : "";
    return "WITH dovetail_chunk AS (SELECT "
        + key
        + " AS dovetail_key, ("
        + target.missingPredicate()
        + ") AS dovetail_missing, ("
        + target.outOfSyncPredicate()
        + ") AS dovetail_bad FROM "
        + target.qualifiedTable()
        + lower
        + " ORDER BY "
        + key
        + " LIMIT ?)"
        + " SELECT max(dovetail_key)::text, count(*),"
        + " count(*) FILTER (WHERE dovetail_missing),"
        + " count(*) FILTER (WHERE dovetail_bad AND NOT dovetail_missing),"
        + " (array_agg(dovetail_key::text ORDER BY dovetail_key) FILTER (WHERE dovetail_bad))[1:5]"
        + " FROM dovetail_chunk";
  }
}
