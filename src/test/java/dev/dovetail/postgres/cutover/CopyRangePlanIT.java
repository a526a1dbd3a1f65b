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
          QualifiedTable.parse("public.empty"),
          QualifiedTable.parse("public.named"),
          QualifiedTable.parse("public.composite"));

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
          "CREATE TABLE empty (id int PRIMARY KEY, v text)",
          // Keys that are not one integer: bounds found by walking the key's index. Text keys
          // whose "C" order differs from a linguistic one, and quotes inside key values.
          "CREATE TABLE named (code text PRIMARY KEY, v int)",
          "INSERT INTO named SELECT CASE g % 3 WHEN 0 THEN 'a''b-' WHEN 1 THEN 'B_' ELSE 'é' END"
              + " || g, g FROM generate_series(1, 4500) g",
          "CREATE TABLE composite (tenant uuid, seq int, v text, PRIMARY KEY (tenant, seq))",
          "INSERT INTO composite SELECT md5((g % 7)::text)::uuid, g, 'v' || g"
              + " FROM generate_series(1, 3000) g");
      var names = CutoverNames.of("plan", source.name());
      try (CutoverDatabase cutover = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          cutover.ensureTargetSchema(TABLES);
          cutover.ensureBookkeeping();
          cutover.ensurePublication(TABLES);
          var copy =
              new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 1000);
          var result = copy.run(TABLES, (table, range, rows) -> {});
          assertEquals(122_500, result.rowsCopied(), result.toString());
          for (var t : List.of("stale", "sparse", "unanalyzed", "empty", "named", "composite")) {
            String sql =
                "SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM "
                    + t
                    + " x";
            assertEquals(source.queryString(sql), target.queryString(sql), t);
          }
          assertEquals(5, ranges(target, "public.named"), "4,500 rows: 4 full ranges and the rest");
          assertEquals(
              4,
              ranges(target, "public.composite"),
              "3,000 rows: 3 full ranges and the open last one, empty");

          // Run again as after a crash: a new snapshot, and every range is compared by its digest
          // (key order, the walked keys' literal bounds on both servers); only the changed one
          // moves.
          source.execute("UPDATE named SET v = -1 WHERE code = 'B_1'");
          var resumed = copy.run(TABLES, (table, range, rows) -> {});
          assertEquals(1, resumed.rangesCopied(), resumed.toString());
          assertEquals(
              ranges(target, "public.stale") + 10 + 5 + 1 + 5 + 4 - 1,
              resumed.rangesKeptOnResume(),
              resumed.toString());
          assertEquals(
              -1, target.queryLong("SELECT v FROM named WHERE code = 'B_1'"), "the change moved");
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
