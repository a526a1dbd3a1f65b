package dev.dovetail.postgres.change;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** Runs a stage's steps the way the operator does (without its bookkeeping), for change tests. */
final class Steps {
  static final StepRunner RUNNER =
      new StepRunner(Duration.ofMillis(500), Duration.ofSeconds(30), 4);

  private Steps() {}

  static void run(Connection c, SchemaChange change, List<DdlStep> steps) throws Exception {
    for (DdlStep step : steps) {
      RUNNER.run(c, change.lockedTable(), step, null, null);
    }
  }

  /** Runs one statement outside any step, for fixtures. */
  static void exec(Connection c, String sql) throws SQLException {
    try (var s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
