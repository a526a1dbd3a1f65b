package dev.dovetail.bench;

import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.change.DdlStep;
import dev.dovetail.postgres.change.RenameColumnChange;
import dev.dovetail.postgres.change.StepRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The table the backfill benchmarks work on, {@code (id bigserial, user_name, email, created_at)},
 * and the renameColumn user_name → username expanded on it by the real operation (new column plus
 * its two-way sync trigger), as the operator's expand step leaves it. user_name is nullable so that
 * the benchmark can clear username between runs (a NOT NULL column gets a NOT VALID check on the
 * new side, which would refuse the reset).
 */
final class BenchTable {
  static final StepRunner RUNNER = new StepRunner(Duration.ofSeconds(5), Duration.ofMinutes(5), 3);

  private BenchTable() {}

  static void create(Connection c, String table, long rows) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + table
              + " (id bigserial PRIMARY KEY, user_name varchar(255), email text,"
              + " created_at timestamptz NOT NULL DEFAULT now())");
      if (rows > 0) {
        s.execute(
            "INSERT INTO "
                + table
                + " (user_name, email) SELECT 'user-' || g, 'user-' || g || '@example.com'"
                + " FROM generate_series(1, "
                + rows
                + ") g");
      }
      s.execute("VACUUM ANALYZE " + table);
    }
  }

  /**
   * Runs renameColumn's expand on {@code table} as the operator does: bookkeeping schema, username
   * added, sync trigger installed.
   */
  static RenameColumnChange expandRename(Connection c, String table) throws Exception {
    Bookkeeping.install(c); // the operator's schema, which the sync trigger's function lives in
    var info = new Catalog(c).table("public", table).orElseThrow();
    var change =
        new RenameColumnChange(
            new RenameColumn("public", table, "user_name", "username"),
            info,
            info.column("user_name").orElseThrow());
    for (DdlStep step : change.expand()) {
      RUNNER.run(c, change.lockedTable(), step, null, null);
    }
    return change;
  }

  static BackfillTarget target(RenameColumnChange change) {
    return change.backfill().orElseThrow();
  }
}
