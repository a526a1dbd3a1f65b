package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The copy cuts its key ranges from the planner's row estimate, not a count(*) of the table: with
 * statistics older than the data, with none, on sparse keys and on an empty table every row still
 * arrives, and the number of ranges follows the estimate.
 */
class CopyRangePlanIT {
  private static final List<QualifiedTable> TABLES =
      List.of(
          QualifiedTable.parse("public.stale"),
          QualifiedTable.parse("public.sparse"),
          QualifiedTable.parse("public.unanalyzed"),
          QualifiedTable.parse("public.empty"));

  @Test
  void rangesFollowTheEstimateAndCoverEveryKey() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          // Analyzed at 1,000 rows, then grown to 100,000: the estimate scales the old rows per
          // page by the current pages.
          "CREATE TABLE stale (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = off)",
          "INSERT INTO stale SELECT g, 'v' || g FROM generate_series(1, 1000) g",
          "ANALYZE stale",
          "INSERT INTO stale SELECT g, 'v' || g FROM generate_series(1001, 100000) g",
          // 10,000 rows over a key span of 1,000,000.
          "CREATE TABLE sparse (id int PRIMARY KEY, v text)",
          "INSERT INTO sparse SELECT g * 100, 'v' || g FROM generate_series(1, 10000) g",
          "ANALYZE sparse",
          // Never analyzed: the key span stands in.
          "CREATE TABLE unanalyzed (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off)",
          "INSERT INTO unanalyzed SELECT g, 'v' || g FROM generate_series(1, 5000) g",
          "CREATE TABLE empty (id int PRIMARY KEY, v text)");
      var names = CutoverNames.of("plan", source.name());
      try (CutoverDatabase cutover = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          cutover.ensureTargetSchema(TABLES);
          cutover.ensureBookkeeping();
          cutover.ensurePublication(TABLES);
          var copy =
              new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 1000);
          var result = copy.run(TABLES, (table, range, rows) -> {});
          assertEquals(115_000, result.rowsCopied(), result.toString());
          for (var t : List.of("stale", "sparse", "unanalyzed", "empty")) {
            String sql = "SELECT count(*) || ':' || coalesce(sum(id), 0) FROM " + t;
            assertEquals(source.queryString(sql), target.queryString(sql), t);
          }
          long stale = ranges(target, "public.stale");
          assertTrue(stale >= 80 && stale <= 120, "about 100 ranges for stale: " + stale);
          assertEquals(10, ranges(target, "public.sparse"), "10,000 rows in ranges of 1,000");
          assertEquals(5, ranges(target, "public.unanalyzed"), "the key span of 5,000");
          assertEquals(1, ranges(target, "public.empty"));
        } finally {
          cutover.cleanup();
        }
      }
    }
  }

  private static long ranges(TestDatabase target, String table) {
    return target.queryLong(
        "SELECT count(*) FROM dovetail.cutover_copy_ranges WHERE table_name = '" + table + "'");
  }
}
