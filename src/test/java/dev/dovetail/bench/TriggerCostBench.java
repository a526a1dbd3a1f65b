package dev.dovetail.bench;

import dev.dovetail.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Issue 3, part 3: what the rename's sync trigger costs the application's bulk writes. The same
 * INSERT … SELECT of {@code rows} rows into three tables of the same shape: as before the
 * migration, with only the new column added, and as expand leaves it (new column plus the sync
 * trigger, which copies user_name into username on every row). Best of {@link #ROUNDS} rounds after
 * a warm-up round, in alternating order, each into an emptied table, so that a noisy neighbour on a
 * shared machine weighs less.
 */
final class TriggerCostBench {
  static final int ROUNDS = 5;

  private final TestDatabase db;
  private final long rows;

  TriggerCostBench(TestDatabase db, long rows) {
    this.db = db;
    this.rows = rows;
  }

  void run() throws Exception {
    String[] tables = {"bulk_plain", "bulk_column", "bulk_synced"};
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      for (String t : tables) {
        BenchTable.create(c, t, 0);
      }
      s.execute("ALTER TABLE bulk_column ADD COLUMN username varchar(255)");
      BenchTable.expandRename(c, "bulk_synced");
      double[] best = new double[tables.length];
      // Round -1 warms up (relation files, caches) and is not counted.
      for (int round = -1; round < ROUNDS; round++) {
        for (int k = 0; k < tables.length; k++) {
          int i = Math.floorMod(round, 2) == 0 ? k : tables.length - 1 - k;
          s.execute("TRUNCATE " + tables[i]);
          s.execute("CHECKPOINT");
          long t0 = System.nanoTime();
          s.executeUpdate(
              "INSERT INTO "
                  + tables[i]
                  + " (user_name, email) SELECT 'user-' || g, 'user-' || g || '@example.com'"
                  + " FROM generate_series(1, "
                  + rows
                  + ") g");
          double seconds = (System.nanoTime() - t0) / 1e9;
          if (round >= 0) {
            best[i] = Math.max(best[i], rows / seconds);
          }
        }
      }
      long unsynced =
          count(c, "SELECT count(*) FROM bulk_synced WHERE username IS DISTINCT FROM user_name");
      if (unsynced != 0 || count(c, "SELECT count(*) FROM bulk_synced") != rows) {
        throw new IllegalStateException("the sync trigger left " + unsynced + " rows unsynced");
      }
      var table =
          new MarkdownTable(
              "table (INSERT … SELECT)",
              "rows",
              "rows/s (best of " + ROUNDS + ")",
              "ratio to plain");
      String[] labels = {
        "plain (before the migration)",
        "username column added, no trigger",
        "expanded: column + sync trigger"
      };
      for (int i = 0; i < tables.length; i++) {
        table.row(
            labels[i],
            MarkdownTable.count(rows),
            MarkdownTable.rate(best[i]),
            MarkdownTable.ratio(best[i] / best[0]));
      }
      System.out.println();
      System.out.printf("### Sync trigger cost on bulk inserts%n%n");
      System.out.print(table.render());
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
