package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.worker.WorkerMain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Verification rounds over three tables (integer keys and a composite text key, 122,000 rows)
 * copied and streamed like a real cutover. Under a workload on the source, with the subscription
 * paused at the start of the round so the target is visibly behind, the round finds nothing; after
 * divergence injected on the target, it repairs the rows deleted there, reports the rows changed
 * there by key and leaves their values alone; without repair it inserts nothing.
 */
class TableCompareIT {
  private static final QualifiedTable ORDERS = QualifiedTable.parse("public.orders");
  private static final QualifiedTable CUSTOMERS = QualifiedTable.parse("public.customers");
  private static final QualifiedTable PAIRS = QualifiedTable.parse("app.pairs");
  private static final List<QualifiedTable> TABLES = List.of(ORDERS, CUSTOMERS, PAIRS);
  private static final int CHUNK = 5000;

  @Test
  void liveWritesRaiseNoAlarmAndInjectedDivergenceIsRepairedOrReported() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, tier text,"
              + " since timestamptz DEFAULT now(), score double precision)",
          "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL,"
              + " amount numeric(12,2) NOT NULL, note text, placed timestamptz DEFAULT now(),"
              + " doubled numeric GENERATED ALWAYS AS (amount * 2) STORED)",
          "CREATE SCHEMA app",
          "CREATE TABLE app.pairs (region text, n int, v text, PRIMARY KEY (region, n))",
          "INSERT INTO customers SELECT g, 'c' || g, CASE WHEN g % 3 = 0 THEN 'gold' END,"
              + " now() - g * interval '1 minute', g / 7.0 FROM generate_series(1, 40000) g",
          "INSERT INTO orders (customer, amount, note) SELECT g % 40000 + 1, g % 997,"
              + " repeat('x', g % 40) FROM generate_series(1, 80000) g",
          "INSERT INTO app.pairs SELECT r, n, r || n FROM"
              + " unnest(ARRAY['eu', 'us', 'Zeta', 'äbc', 'b b']) r, generate_series(1, 400) n");
      var names = CutoverNames.of("test", source.name());
      PgUri src = PgUri.parse(source.uri());
      PgUri dst = PgUri.parse(target.uri());
      try (CutoverDatabase cutover = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          cutover.ensureTargetSchema(TABLES);
          cutover.ensureBookkeeping();
          cutover.ensurePublication(TABLES);
          new TableCopy(src, dst, names, 2, 20000).run(TABLES, (t, r, n) -> {});
          cutover.ensureSubscription();
          awaitLag(cutover);

          // 1. A round while the application writes and the target is behind.
          var live = new TableCompare(src, dst, names, TableCompare.Options.of(CHUNK, true, true));
          VerificationRound first;
          try (var app = new Workload(source)) {
            app.start();
            Thread.sleep(500);
            cutover.setSubscriptionEnabled(false);
            Thread.sleep(1000); // the target falls behind by a second of writes
            Thread resume =
                new Thread(
                    () -> {
                      try {
                        Thread.sleep(3000);
                        cutover.setSubscriptionEnabled(true);
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    });
            resume.start();
            long before = app.statements.get();
            first = live.run(TABLES);
            resume.join();
            long during = app.statements.get() - before;
            app.stop();
            assertEquals(List.of(), app.failures(), "application statements that failed");
            assertTrue(during > 100, "the workload wrote during the round: " + during);
          }
          assertTrue(
              live.suspects() > 0,
              "the target was behind, so some rows differed at first read: " + live.suspects());
          assertEquals(1, first.round());
          assertEquals(0, first.differing(), "live writes are no difference: " + first);
          assertEquals(0, first.missingRepaired(), "nothing to repair: " + first);
          assertEquals(List.of(), first.differingKeys());
          assertTrue(first.rowsCompared() >= 120_000, first.toString());
          assertTrue(first.chunks() >= 120_000 / CHUNK, first.toString());
          assertTrue(!first.finishedAt().isBefore(first.startedAt()));
          assertEquals(first, cutover.latestVerification().orElseThrow());
          awaitLag(cutover);
          assertIdentical(source, target, ORDERS, CUSTOMERS, PAIRS);

          // 2. Divergence on the target only: the subscription leaves these rows alone.
          List<String> deleted = new ArrayList<>();
          deleted.addAll(
              keys(target, "SELECT id FROM orders WHERE id % 1000 = 3 AND id <= 80000", ORDERS));
          deleted.addAll(
              keys(
                  target,
                  "SELECT id FROM customers WHERE id % 5000 = 11 AND id <= 40000",
                  CUSTOMERS));
          deleted.add("app.pairs:(äbc,3)");
          List<String> changed = new ArrayList<>();
          changed.addAll(
              keys(target, "SELECT id FROM orders WHERE id % 20000 = 7 AND id <= 80000", ORDERS));
          changed.addAll(
              keys(target, "SELECT id FROM customers WHERE id IN (5, 39999)", CUSTOMERS));
          changed.add("app.pairs:(Zeta,17)");
          assertTrue(deleted.size() == 89 && changed.size() == 7, deleted + " / " + changed);
          long targetOrders = target.queryLong("SELECT count(*) FROM orders");
          target.execute(
              "DELETE FROM orders WHERE id % 1000 = 3 AND id <= 80000",
              "DELETE FROM customers WHERE id % 5000 = 11 AND id <= 40000",
              "DELETE FROM app.pairs WHERE region = 'äbc' AND n = 3",
              "UPDATE orders SET amount = amount + 1000 WHERE id % 20000 = 7 AND id <= 80000",
              "UPDATE customers SET name = 'changed on the target' WHERE id IN (5, 39999)",
              "UPDATE app.pairs SET v = 'changed' WHERE region = 'Zeta' AND n = 17");

          // 3. Without repair: everything is reported, nothing inserted.
          var reportOnly =
              new TableCompare(src, dst, names, TableCompare.Options.of(CHUNK, false, true));
          VerificationRound second = reportOnly.run(TABLES);
          assertEquals(2, second.round());
          assertEquals(0, second.missingRepaired());
          var expected = new HashSet<>(deleted);
          expected.addAll(changed);
          assertEquals(expected, Set.copyOf(second.differingKeys()));
          assertEquals(expected.size(), second.differing());
          assertEquals(
              targetOrders - 80, target.queryLong("SELECT count(*) FROM orders"), "no insert");

          // 4. With repair: the deleted rows come back equal to the source, the changed stay.
          VerificationRound third = live.run(TABLES);
          assertEquals(3, third.round());
          assertEquals(deleted.size(), third.missingRepaired(), third.toString());
          assertEquals(Set.copyOf(changed), Set.copyOf(third.differingKeys()));
          assertEquals(changed.size(), third.differing());
          assertEquals(third, cutover.latestVerification().orElseThrow());
          assertEquals(targetOrders, target.queryLong("SELECT count(*) FROM orders"));
          String repairedOrders =
              "SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o WHERE id % 1000 = 3 AND id <= 80000";
          assertEquals(source.queryString(repairedOrders), target.queryString(repairedOrders));
          String repairedCustomers =
              "SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM customers c"
                  + " WHERE id % 5000 = 11 AND id <= 40000";
          assertEquals(
              source.queryString(repairedCustomers), target.queryString(repairedCustomers));
          assertEquals(
              "äbc3", target.queryString("SELECT v FROM app.pairs WHERE (region, n) = ('äbc', 3)"));
          assertEquals(
              4000,
              target.queryLong(
                      "SELECT sum(amount)::bigint FROM orders WHERE id % 20000 = 7 AND id <= 80000")
                  - source.queryLong(
                      "SELECT sum(amount)::bigint FROM orders WHERE id % 20000 = 7 AND id <= 80000"),
              "the values changed on the target were not overwritten");
          assertEquals(
              2,
              target.queryLong(
                  "SELECT count(*) FROM customers WHERE name = 'changed on the target'"));
          assertEquals(
              "changed",
              target.queryString("SELECT v FROM app.pairs WHERE (region, n) = ('Zeta', 17)"));

          // 5. The Job's entry point, in dual-write mode (fixed settle delay instead of the slot).
          var env =
              Map.of(
                  "DOVETAIL_SOURCE_URI", source.uri(),
                  "DOVETAIL_TARGET_URI", target.uri(),
                  "DOVETAIL_CUTOVER_NAMESPACE", "test",
                  "DOVETAIL_CUTOVER_NAME", source.name(),
                  "DOVETAIL_TABLES", "public.orders, public.customers,app.pairs",
                  "DOVETAIL_SYNC_MODE", "ApplicationDualWrite",
                  "DOVETAIL_CHUNK_SIZE", "7000",
                  "DOVETAIL_REPAIR", "true");
          assertEquals(0, WorkerMain.run(List.of("compare"), env), "differences are a result");
          VerificationRound fourth = cutover.latestVerification().orElseThrow();
          assertEquals(4, fourth.round());
          assertEquals(Set.copyOf(changed), Set.copyOf(fourth.differingKeys()));
          assertEquals(0, fourth.missingRepaired());
          var broken = new java.util.HashMap<>(env);
          broken.remove("DOVETAIL_TABLES");
          assertEquals(WorkerMain.USAGE, WorkerMain.run(List.of("compare"), broken));
          broken.put("DOVETAIL_TABLES", "public.nothing_here");
          assertEquals(1, WorkerMain.run(List.of("compare"), broken), "a missing table fails");
          assertEquals(4, cutover.latestVerification().orElseThrow().round(), "no round recorded");

          // 6. A repair overtaken by the source: the row changes on the source after it was read
          // for the repair, and the change reaches the target before the insert (finding no row
          // there). The stale insert is found and reported, not counted as repaired.
          target.execute("DELETE FROM orders WHERE id = 9");
          var overtaken =
              new TableCompare(src, dst, names, TableCompare.Options.of(CHUNK, true, true))
                  .beforeRepairInserts(
                      (table, rows) -> {
                        source.execute("UPDATE orders SET note = 'changed meanwhile' WHERE id = 9");
                        try {
                          awaitLag(cutover);
                        } catch (Exception e) {
                          throw new SQLException(e);
                        }
                      });
          VerificationRound fifth = overtaken.run(TABLES);
          var withStale = new HashSet<>(changed);
          withStale.add("public.orders:9");
          assertEquals(withStale, Set.copyOf(fifth.differingKeys()));
          assertEquals(0, fifth.missingRepaired(), fifth.toString());
          assertEquals(
              "xxxxxxxxx",
              target.queryString("SELECT note FROM orders WHERE id = 9"),
              "the target holds the version read before the change");
        } finally {
          cutover.cleanup();
        }
      }
    }
  }

  private static List<String> keys(TestDatabase db, String query, QualifiedTable table)
      throws SQLException {
    var keys = new ArrayList<String>();
    try (Connection c = db.connect();
        var rs = c.createStatement().executeQuery(query)) {
      while (rs.next()) {
        keys.add(table + ":" + rs.getString(1));
      }
    }
    return keys;
  }

  private static void assertIdentical(
      TestDatabase source, TestDatabase target, QualifiedTable... tables) {
    for (QualifiedTable t : tables) {
      String digest =
          "SELECT count(*) || ':' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM "
              + t.sql()
              + " x";
      assertEquals(source.queryString(digest), target.queryString(digest), t + " identical");
    }
  }

  /** Waits until the target has applied a heartbeat written after everything else. */
  private static void awaitLag(CutoverDatabase cutover) throws Exception {
    // A barrier, not a lag threshold: a low lag can still be a heartbeat older than the last write.
    if (!cutover.awaitApplied(false, Duration.ofMinutes(3))) {
      throw new AssertionError("replication did not catch up: " + cutover.lag().describe());
    }
  }

  /** Inserts, updates and deletes orders and customers all over their key ranges. */
  private static final class Workload implements AutoCloseable {
    private final TestDatabase db;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicLong statements = new AtomicLong();
    private Thread thread;

    Workload(TestDatabase db) {
      this.db = db;
    }

    void start() {
      thread = new Thread(this::loop, "app");
      thread.start();
    }

    private void loop() {
      try (Connection c = db.connect()) {
        var insert =
            c.prepareStatement("INSERT INTO orders (customer, amount, note) VALUES (?, ?, 'new')");
        var update = c.prepareStatement("UPDATE orders SET amount = amount + 1 WHERE id = ?");
        var delete = c.prepareStatement("DELETE FROM orders WHERE id = ?");
        var tier = c.prepareStatement("UPDATE customers SET tier = 'moved' WHERE id = ?");
        var insertCustomer = c.prepareStatement("INSERT INTO customers VALUES (?, 'late', NULL)");
        long nextCustomer = 100_000;
        while (running.get()) {
          var r = ThreadLocalRandom.current();
          try {
            switch (r.nextInt(5)) {
              case 0 -> run(insert, r.nextInt(1, 40000), r.nextInt(1000));
              case 1 -> run(update, r.nextLong(1, 80000));
                // Deletes spare the rows the test diverges later (ids ending in 3 or 7).
              case 2 -> run(delete, r.nextLong(1, 8000) * 10 + 1);
              case 3 -> run(tier, r.nextInt(1, 40000));
              default -> run(insertCustomer, nextCustomer++);
            }
            Thread.sleep(1); // an application's pace, not a benchmark's, on a shared machine
          } catch (SQLException e) {
            failures.add(e.getMessage());
          } catch (InterruptedException e) {
            return;
          }
        }
      } catch (SQLException e) {
        failures.add("connection: " + e.getMessage());
      }
    }

    private void run(PreparedStatement ps, long... values) throws SQLException {
      for (int i = 0; i < values.length; i++) {
        ps.setLong(i + 1, values[i]);
      }
      ps.executeUpdate();
      statements.incrementAndGet();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
