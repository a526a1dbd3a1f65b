package dev.dovetail.bench;

import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * {@code make bench}: Dovetail's data movers measured as ratios to the physical limit in the same
 * run, on the local topology of hack/postgres.sh, printed as markdown tables. Sizes: BENCH_ROWS
 * (backfill table, default 1,000,000), BENCH_CUTOVER_ROWS (cutover tables, default 500,000),
 * BENCH_WORKLOAD_SECONDS (the workload-alone window, default 10). Every database it creates is
 * dropped at the end, also on failure.
 */
public final class Bench {
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
    try (TestDatabase db = TestPostgres.newPrimaryDatabase()) {
      new BackfillBench(db, rows, workloadSeconds).run();
      new TriggerCostBench(db, Math.max(1, rows / 2)).run();
    }
  }

  private static String serverVersion() throws Exception {
    try (Connection c = TestPostgres.connect(TestPostgres.PRIMARY);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
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
