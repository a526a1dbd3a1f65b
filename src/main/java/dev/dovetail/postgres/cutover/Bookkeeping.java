package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The cutover's own tables in the {@code dovetail} schema. The heartbeat lives on both sides with
 * the same shape (it is replicated like a user table); copy ranges and verification rounds live on
 * the target, where the workers write them.
 */
final class Bookkeeping {
  static final String HEARTBEAT = "dovetail.cutover_heartbeat";

  private static final String HEARTBEAT_DDL =
      "CREATE TABLE IF NOT EXISTS "
          + HEARTBEAT
          + " (cutover text PRIMARY KEY, beat_at timestamptz NOT NULL)";

  static final List<String> SOURCE = List.of("CREATE SCHEMA IF NOT EXISTS dovetail", HEARTBEAT_DDL);

  static final List<String> TARGET =
      List.of(
          "CREATE SCHEMA IF NOT EXISTS dovetail",
          HEARTBEAT_DDL,
          "CREATE TABLE IF NOT EXISTS dovetail.cutover_copy_ranges (cutover text NOT NULL,"
              + " table_name text NOT NULL, range_no int NOT NULL, lower_key text,"
              + " upper_key text, rows_copied bigint, done_at timestamptz,"
              + " PRIMARY KEY (cutover, table_name, range_no))",
          "CREATE TABLE IF NOT EXISTS dovetail.cutover_verification (cutover text NOT NULL,"
              + " round bigint NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz,"
              + " chunks bigint, rows_compared bigint, missing_repaired bigint, differing bigint,"
              + " differing_keys text[], read_lsn pg_lsn, PRIMARY KEY (cutover, round))");

  private Bookkeeping() {}

  static void forget(Connection target, String cutover) throws SQLException {
    for (String table : List.of("dovetail.cutover_copy_ranges", "dovetail.cutover_verification")) {
      if (Replication.exists(target, "SELECT to_regclass(?) IS NOT NULL", table)) {
        try (PreparedStatement ps =
            target.prepareStatement("DELETE FROM " + table + " WHERE cutover = ?")) {
          ps.setString(1, cutover);
          ps.executeUpdate();
        }
      }
    }
  }
}
