package dev.dovetail.postgres;

import dev.dovetail.postgres.change.SpaceNeed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * How much disk an operation's expand will write, estimated from the catalog before it runs. Free
 * disk itself cannot be read from SQL (no function reports the filesystem's free space; pg_ls_dir
 * and pg_stat_file need superuser-like rights and give file sizes, not free space), so the operator
 * shows the need and leaves the comparison to whoever can see the volume.
 *
 * <ul>
 *   <li>A backfill (changeColumnType, addColumn with a value, renameColumn...) writes a new version
 *       of every row: about the table's heap, {@code pg_relation_size} of its main fork. Vacuum
 *       makes the old versions reusable later; it does not shrink the file.
 *   <li>A new btree index (createIndex, addUniqueConstraint): {@code reltuples} entries of
 *       (MAXALIGN(8-byte tuple header + the key columns' {@code pg_stats.avg_width}) + a 4-byte
 *       line pointer), on 8 kB pages filled to 90% (btree leaf fillfactor), plus the metapage.
 *       Without planner statistics (a table never analyzed) it is unknown, and says so.
 * </ul>
 *
 * @param bytes -1 when unknown
 * @param basis how the number was reached, for status
 */
public record SpaceEstimate(long bytes, String basis) {
  static final int PAGE = 8192;
  static final int PAGE_USABLE = PAGE - 24 - 16;
  static final double LEAF_FILL = 0.9;

  public static SpaceEstimate of(Connection c, SpaceNeed need) throws SQLException {
    return need.kind() == SpaceNeed.Kind.ROW_VERSIONS ? heap(c, need) : index(c, need);
  }

  public boolean known() {
    return bytes >= 0;
  }

  public String describe() {
    return known() ? "%d bytes (%s): %s".formatted(bytes, human(bytes), basis) : basis;
  }

  private static SpaceEstimate heap(Connection c, SpaceNeed need) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT coalesce(pg_relation_size(to_regclass(?)), 0)")) {
      ps.setString(1, need.table());
      try (var rs = ps.executeQuery()) {
        rs.next();
        return new SpaceEstimate(
            rs.getLong(1),
            "new row versions written by the backfill, about the heap of "
                + need.table()
                + " (pg_relation_size)");
      }
    }
  }

  private static SpaceEstimate index(Connection c, SpaceNeed need) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.reltuples::float8, coalesce(sum(s.avg_width), 0)::bigint,"
                + " count(s.avg_width) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                + " c.relnamespace LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND"
                + " s.tablename = c.relname AND s.attname = ANY(?::text[]) WHERE c.oid ="
                + " to_regclass(?) GROUP BY c.reltuples")) {
      ps.setArray(1, c.createArrayOf("text", need.columns().toArray()));
      ps.setString(2, need.table());
      try (var rs = ps.executeQuery()) {
        if (!rs.next() || rs.getDouble(1) < 0 || rs.getLong(3) < need.columns().size()) {
          return new SpaceEstimate(
              -1,
              "unknown: no planner statistics for the key columns of "
                  + need.table()
                  + " (run ANALYZE on it)");
        }
        double rows = rs.getDouble(1);
        long keyWidth = rs.getLong(2);
        return new SpaceEstimate(
            indexBytes(rows, keyWidth),
            String.format(
                    Locale.ROOT,
                    "the new index on %s: %.0f rows (reltuples) × (MAXALIGN(8 + key width %d"
                        + " from pg_stats) + 4) on 8 kB pages 90%% full",
                    need.table(),
                    rows,
                    keyWidth)
                + (need.partial() ? "; the index is partial: at most this" : ""));
      }
    }
  }

  /** Leaf pages for every entry, plus the metapage; inner pages are a rounding error. */
  static long indexBytes(double rows, long keyWidth) {
    long entry = align8(8 + keyWidth) + 4;
    long perPage = Math.max(1, (long) Math.floor(PAGE_USABLE * LEAF_FILL / entry));
    long leaves = (long) Math.ceil(rows / perPage);
    return (Math.max(1, leaves) + 1) * PAGE;
  }

  private static long align8(long n) {
    return (n + 7) / 8 * 8;
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
