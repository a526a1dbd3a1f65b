package dev.dovetail.bench;

import static dev.dovetail.bench.Shell.quote;
import static dev.dovetail.bench.Shell.tool;

import dev.dovetail.postgres.cutover.CutoverDatabase;
import dev.dovetail.postgres.cutover.CutoverNames;
import dev.dovetail.postgres.cutover.QualifiedTable;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.worker.WorkerMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Issue 4: the DualWriteCutover copy Job (WorkerMain "copy": slot with exported snapshot, integer
 * key ranges, default parallelism 2 and chunk 10,000) against plain PostgreSQL tools moving the
 * same two tables from the primary to the target server in the same run — a binary {@code COPY TO
 * STDOUT | COPY FROM STDIN} pipe per table (one after the other, and both at once) into the same
 * schema, and {@code pg_dump -Fc | pg_restore} (which also creates the tables and builds the
 * indexes after the data); then one verification round (WorkerMain "compare", with the target
 * following through the cutover's subscription) against a sequential read of both tables on both
 * servers at once.
 */
final class CutoverBench {
  static final List<QualifiedTable> TABLES =
      List.of(QualifiedTable.parse("public.orders"), QualifiedTable.parse("public.customers"));
  static final int PARALLELISM = 2;
  static final int CHUNK = 10_000;

  private final long rows;

  CutoverBench(long rows) {
    this.rows = rows;
  }

  void run() throws Exception {
    long customers = Math.max(1, rows * 3 / 10);
    long orders = Math.max(1, rows - customers);
    try (TestDatabase source = Bench.tracked(TestPostgres.newPrimaryDatabase());
        TestDatabase copyTarget = Bench.tracked(TestPostgres.newTargetDatabase());
        TestDatabase pipeTarget = Bench.tracked(TestPostgres.newTargetDatabase());
        TestDatabase dumpTarget = Bench.tracked(TestPostgres.newTargetDatabase())) {
      source.execute(
          "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, tier text)",
          "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL,"
              + " amount numeric(12,2) NOT NULL, note text, placed timestamptz DEFAULT now())",
          "INSERT INTO customers SELECT g, 'c' || g, CASE WHEN g % 3 = 0 THEN 'gold' END"
              + " FROM generate_series(1, "
              + customers
              + ") g",
          "INSERT INTO orders (customer, amount, note) SELECT g % "
              + customers
              + " + 1, g % 997, repeat('x', g % 40) FROM generate_series(1, "
              + orders
              + ") g",
          "VACUUM ANALYZE customers",
          "VACUUM ANALYZE orders");
      long total = customers + orders;
      var names = CutoverNames.of("bench", source.name());
      Leftovers.onInterrupt(
          "the cutover's slot, publication and subscription",
          () -> {
            try (var c = CutoverDatabase.open(source.uri(), copyTarget.uri(), names)) {
              c.cleanup();
            }
          });
      try (CutoverDatabase cutover = CutoverDatabase.open(source.uri(), copyTarget.uri(), names)) {
        try {
          cutover.ensureTargetSchema(TABLES);
          cutover.ensureBookkeeping();
          cutover.ensurePublication(TABLES);
          double copySeconds = timed(() -> worker("copy", source, copyTarget, Map.of()));
          expectRows(copyTarget, customers, orders, "the copy Job");

          // The pipe's tables get the same schema first, not timed.
          Shell.time(
              tool("pg_dump")
                  + " -s "
                  + tableArgs()
                  + " -d "
                  + quote(source.uri())
                  + " | "
                  + psql(pipeTarget, null));
          double pipeSequential = 0;
          for (QualifiedTable t : TABLES) {
            pipeSequential += Shell.time(pipe(source, pipeTarget, t));
          }
          expectRows(pipeTarget, customers, orders, "the COPY pipe");
          pipeTarget.execute("TRUNCATE " + tableList());
          double pipeParallel =
              Shell.time(
                  TABLES.stream()
                          .map(t -> "(" + pipe(source, pipeTarget, t) + ") &")
                          .collect(Collectors.joining(" "))
                      + " wait -n && wait -n");
          expectRows(pipeTarget, customers, orders, "the parallel COPY pipes");
          double dumpSeconds =
              Shell.time(
                  tool("pg_dump")
                      + " -Fc "
                      + tableArgs()
                      + " -d "
                      + quote(source.uri())
                      + " | "
                      + tool("pg_restore")
                      + " --no-owner -d "
                      + quote(dumpTarget.uri()));
          expectRows(dumpTarget, customers, orders, "pg_dump | pg_restore");

          var copy =
              new MarkdownTable("approach", "rows", "seconds", "rows/s", "copy Job's ratio to it");
          double copyRate = total / copySeconds;
          copy.row(
              "copy Job (parallelism " + PARALLELISM + ", chunk " + CHUNK + ")",
              MarkdownTable.count(total),
              MarkdownTable.seconds(copySeconds),
              MarkdownTable.rate(copyRate),
              "1.00");
          addReference(
              copy, "COPY binary pipe, tables one after another", total, pipeSequential, copyRate);
          addReference(
              copy, "COPY binary pipe, both tables at once", total, pipeParallel, copyRate);
          addReference(
              copy,
              "pg_dump -Fc \\| pg_restore (schema + data + indexes)",
              total,
              dumpSeconds,
              copyRate);
          System.out.println();
          System.out.printf(
              "### Cutover copy vs PostgreSQL's own tools (%s customers + %s orders, primary → target server)%n%n",
              MarkdownTable.count(customers), MarkdownTable.count(orders));
          System.out.print(copy.render());

          cutover.ensureSubscription();
          awaitCaughtUp(cutover);
          double compareSeconds = timed(() -> worker("compare", source, copyTarget, Map.of()));
          var round =
              cutover
                  .latestVerification()
                  .orElseThrow(() -> new IllegalStateException("no verification round recorded"));
          if (round.differing() != 0 || round.rowsCompared() < total) {
            throw new IllegalStateException("unexpected verification round: " + round);
          }
          double readSeconds = timed(() -> sequentialReadBothSides(source, copyTarget));
          var verify =
              new MarkdownTable(
                  "approach", "rows per side", "seconds", "rows/s", "ratio to sequential read");
          double readRate = total / readSeconds;
          verify.row(
              "sequential read, both servers at once (count + sum(hashtext(row)))",
              MarkdownTable.count(total),
              MarkdownTable.seconds(readSeconds),
              MarkdownTable.rate(readRate),
              "1.00");
          double compareRate = round.rowsCompared() / compareSeconds;
          verify.row(
              "verification round (compare Job, chunk "
                  + CHUNK
                  + ", "
                  + round.chunks()
                  + " chunks)",
              MarkdownTable.count(round.rowsCompared()),
              MarkdownTable.seconds(compareSeconds),
              MarkdownTable.rate(compareRate),
              MarkdownTable.ratio(compareRate / readRate));
          System.out.println();
          System.out.printf("### Verification round vs a sequential read of both tables%n%n");
          System.out.print(verify.render());
        } finally {
          cutover.cleanup();
        }
      }
    }
  }

  private static void addReference(
      MarkdownTable t, String label, long total, double seconds, double copyRate) {
    double rate = total / seconds;
    t.row(
        label,
        MarkdownTable.count(total),
        MarkdownTable.seconds(seconds),
        MarkdownTable.rate(rate),
        MarkdownTable.ratio(copyRate / rate));
  }

  private static String tableArgs() {
    return TABLES.stream().map(t -> "-t " + quote(t.toString())).collect(Collectors.joining(" "));
  }

  private static String tableList() {
    return TABLES.stream().map(QualifiedTable::sql).collect(Collectors.joining(", "));
  }

  private static String psql(TestDatabase db, String command) {
    return tool("psql")
        + " -X -q -v ON_ERROR_STOP=1 -d "
        + quote(db.uri())
        + (command == null ? "" : " -c " + quote(command));
  }

  private static String pipe(TestDatabase from, TestDatabase to, QualifiedTable t) {
    return psql(from, "COPY " + t.sql() + " TO STDOUT (FORMAT binary)")
        + " | "
        + psql(to, "COPY " + t.sql() + " FROM STDIN (FORMAT binary)");
  }

  /** A cutover worker Job's pod, in process: WorkerMain with the env CutoverJobs gives it. */
  private static void worker(
      String role, TestDatabase source, TestDatabase target, Map<String, String> extra) {
    var env = new HashMap<String, String>();
    env.put("DOVETAIL_SOURCE_URI", source.uri());
    env.put("DOVETAIL_TARGET_URI", target.uri());
    env.put("DOVETAIL_CUTOVER_NAMESPACE", "bench");
    env.put("DOVETAIL_CUTOVER_NAME", source.name());
    env.put(
        "DOVETAIL_TABLES",
        TABLES.stream().map(QualifiedTable::toString).collect(Collectors.joining(",")));
    env.put("DOVETAIL_COPY_PARALLELISM", Integer.toString(PARALLELISM));
    env.put("DOVETAIL_CHUNK_SIZE", Integer.toString(CHUNK));
    env.put("DOVETAIL_SYNC_MODE", "LogicalReplication");
    env.putAll(extra);
    int code = WorkerMain.run(List.of(role), env);
    if (code != 0) {
      throw new IllegalStateException(role + " worker exited " + code);
    }
  }

  /** Reads every row of both tables on both servers, in parallel; the digests must agree. */
  private static void sequentialReadBothSides(TestDatabase source, TestDatabase target) {
    var futures = new ArrayList<CompletableFuture<String>>();
    for (TestDatabase db : List.of(source, target)) {
      futures.add(
          CompletableFuture.supplyAsync(
              () ->
                  TABLES.stream()
                      .map(
                          t ->
                              db.queryString(
                                  "SELECT count(*) || ':' || sum(hashtext(x::text)) FROM "
                                      + t.sql()
                                      + " x"))
                      .collect(Collectors.joining(" "))));
    }
    String a = futures.get(0).join();
    String b = futures.get(1).join();
    if (!a.equals(b)) {
      throw new IllegalStateException("source and target differ: " + a + " vs " + b);
    }
  }

  private static void expectRows(TestDatabase db, long customers, long orders, String what) {
    long c = db.queryLong("SELECT count(*) FROM customers");
    long o = db.queryLong("SELECT count(*) FROM orders");
    if (c != customers || o != orders) {
      throw new IllegalStateException(
          what
              + " left "
              + c
              + " customers and "
              + o
              + " orders, expected "
              + customers
              + " and "
              + orders);
    }
  }

  /** Waits until the target has applied a heartbeat written after everything else. */
  private static void awaitCaughtUp(CutoverDatabase cutover) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    cutover.writeHeartbeat();
    Thread.sleep(200);
    while (true) {
      var lag = cutover.lag();
      if (lag.heartbeatLag() != null && lag.heartbeatLag().toMillis() < 500) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("replication did not catch up: " + lag.describe());
      }
      cutover.writeHeartbeat();
      Thread.sleep(100);
    }
  }

  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  private static double timed(Body body) throws Exception {
    long t0 = System.nanoTime();
    body.run();
    return (System.nanoTime() - t0) / 1e9;
  }
}
