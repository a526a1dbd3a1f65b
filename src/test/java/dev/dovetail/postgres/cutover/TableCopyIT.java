package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The initial copy of 500,000 rows in two tables while an application inserts, updates and deletes
 * on the source; the copy is crashed part-way and resumed; then replication from the copy's slot
 * catches up and both databases hold exactly the same rows.
 */
class TableCopyIT {
  private static final List<QualifiedTable> TABLES =
      List.of(QualifiedTable.parse("public.orders"), QualifiedTable.parse("public.customers"));

  @Test
  void copyCrashedMidwayResumesAndEndsIdenticalUnderAWorkload() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, tier text)",
          "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL,"
              + " amount numeric(12,2) NOT NULL, note text, placed timestamptz DEFAULT now())",
          "INSERT INTO customers SELECT g, 'c' || g, CASE WHEN g % 3 = 0 THEN 'gold' END"
              + " FROM generate_series(1, 150000) g",
          "INSERT INTO orders (customer, amount, note) SELECT g % 150000 + 1, g % 997,"
              + " repeat('x', g % 40) FROM generate_series(1, 350000) g");
      var names = CutoverNames.of("test", source.name());
      try (CutoverDatabase cutover = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          cutover.ensureTargetSchema(TABLES);
          cutover.ensureBookkeeping();
          cutover.ensurePublication(TABLES);
          var copy =
              new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 25000);
          try (var app = new Workload(source)) {
            app.start();
            AtomicInteger ranges = new AtomicInteger();
            assertThrows(
                Exception.class,
                () ->
                    copy.run(
                        TABLES,
                        (table, range, rows) -> {
                          if (ranges.incrementAndGet() == 6) {
                            throw new SQLException("simulated crash of the copy worker");
                          }
                        }),
                "the first copy crashes after six ranges");
            var resumed = copy.run(TABLES, (table, range, rows) -> {});
            assertTrue(
                resumed.rangesKeptOnResume() >= 1,
                "ranges copied before the crash and unchanged since are kept: " + resumed);
            assertTrue(resumed.rangesCopied() < 20, "not everything was copied twice: " + resumed);
            cutover.ensureSubscription();
            awaitLag(cutover);
            app.stop();
            assertEquals(List.of(), app.failures(), "application statements that failed");
            assertTrue(app.statements.get() > 100, "the workload ran: " + app.statements.get());
          }
          awaitLag(cutover);
          for (QualifiedTable t : TABLES) {
            String digest =
                "SELECT count(*) || ':' || md5(string_agg(x::text, ',' ORDER BY x.id))"
                    + " FROM "
                    + t.sql()
                    + " x";
            assertEquals(source.queryString(digest), target.queryString(digest), t + " identical");
          }
          assertTrue(target.queryLong("SELECT count(*) FROM orders") > 340_000);
          // The verification round the operator runs agrees: nothing missing, nothing differing.
          var round =
              new TableCompare(
                      PgUri.parse(source.uri()),
                      PgUri.parse(target.uri()),
                      names,
                      TableCompare.Options.of(25000, true, true))
                  .run(TABLES);
          assertEquals(0, round.differing(), "differing keys: " + round.differingKeys());
          assertEquals(0, round.missingRepaired(), "nothing was missing");
          assertTrue(round.rowsCompared() > 490_000, "every row compared: " + round.rowsCompared());
        } finally {
          cutover.cleanup();
        }
      }
    }
  }

  /** Waits until the target has applied a heartbeat written after everything else. */
  private static void awaitLag(CutoverDatabase cutover) throws Exception {
    // A barrier, not a lag threshold: a low lag can still be a heartbeat older than the last write.
    if (!cutover.awaitApplied(false, Duration.ofMinutes(3))) {
      throw new AssertionError("replication did not catch up: " + cutover.lag().describe());
    }
  }

  /**
   * Inserts, updates and deletes orders and customers, like an application does: on its recent rows
   * (so some ranges stay unchanged between the crash and the resume); records every failed
   * statement.
   */
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
        long nextCustomer = 200_000;
        while (running.get()) {
          var r = ThreadLocalRandom.current();
          try {
            switch (r.nextInt(5)) {
              case 0 -> run(insert, r.nextInt(1, 150000), r.nextInt(1000));
              case 1 -> run(update, r.nextLong(300000, 360000));
              case 2 -> run(delete, r.nextLong(300000, 360000));
              case 3 -> run(tier, r.nextInt(140000, 150000));
              default -> run(insertCustomer, nextCustomer++);
            }
          } catch (SQLException e) {
            failures.add(e.getMessage());
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
