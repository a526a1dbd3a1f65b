package dev.dovetail.bench;

import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * {@code make bench}: Dovetail's data movers measured as ratios to the physical limit in the same
 * run, on the local topology of hack/postgres.sh, printed as markdown tables. Sizes: BENCH_ROWS
 * (backfill table, default 1,000,000), BENCH_CUTOVER_ROWS (cutover tables, default 500,000),
 * BENCH_WORKLOAD_SECONDS (the workload-alone window, default 10); BENCH_PARTS (comma list of
 * backfill, trigger, cutover; default all). Every database it creates is dropped at the end, also
 * on failure.
 */
public final class Bench {
  static final Set<String> PARTS = Set.of("backfill", "trigger", "cutover");

  private Bench() {}

  public static void main(String[] args) {
    int code;
    try {
      run();
      code = 0;
    } catch (Exception | AssertionError e) {
      System.out.println("bench FAILED: " + e);
      e.printStackTrace();
      code = 1;
    }
    Leftovers.disarm();
    // exec:java would otherwise wait for stray non-daemon threads.
    System.exit(code);
  }

  private static void run() throws Exception {
    long rows = sizeFromEnv("BENCH_ROWS", 1_000_000);
    long cutoverRows = sizeFromEnv("BENCH_CUTOVER_ROWS", 500_000);
    int workloadSeconds = (int) sizeFromEnv("BENCH_WORKLOAD_SECONDS", 10);
    System.out.printf(
        "## Dovetail benchmarks — %s, %d cores, PostgreSQL %s; backfill table %s rows, cutover tables %s rows%n",
        LocalDate.now(ZoneOffset.UTC),
        Runtime.getRuntime().availableProcessors(),
        serverVersion(),
        MarkdownTable.count(rows),
        MarkdownTable.count(cutoverRows));
    var parts = parts();
    if (parts.contains("backfill") || parts.contains("trigger")) {
      try (TestDatabase db = tracked(TestPostgres.newPrimaryDatabase())) {
        if (parts.contains("backfill")) {
          new BackfillBench(db, rows, workloadSeconds).run();
        }
        if (parts.contains("trigger")) {
          new TriggerCostBench(db, Math.max(1, rows / 2)).run();
        }
      }
    }
    if (parts.contains("cutover")) {
      new CutoverBench(cutoverRows).run();
    }
  }

  /** A database the bench made, dropped by the shutdown hook if the bench is stopped. */
  static TestDatabase tracked(TestDatabase db) {
    Leftovers.onInterrupt("database " + db.name(), db::close);
    return db;
  }

  private static String serverVersion() throws Exception {
    try (Connection c = TestPostgres.connect(TestPostgres.PRIMARY);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** BENCH_PARTS: a comma list of backfill, trigger, cutover; all when unset. */
  private static Set<String> parts() {
    String value = System.getenv("BENCH_PARTS");
    if (value == null || value.isBlank()) {
      return PARTS;
    }
    var parts = Set.of(value.trim().split("\\s*,\\s*"));
    if (!PARTS.containsAll(parts)) {
      throw new IllegalArgumentException(
          "BENCH_PARTS must list some of " + PARTS + ", is " + value);
    }
    return parts;
  }

  static long sizeFromEnv(String name, long fallback) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    long n = Long.parseLong(value.replace("_", "").replace(",", "").trim());
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be positive, is " + value);
    }
    return n;
  }
}
