package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The write switch and its revert while an application writes through the routing flag: every
 * committed write is on both sides afterwards, no sequence hands out a used key, and the pause is
 * measured. A writer that raced the flag is refused by the write guard (SQLSTATE 25006), re-reads
 * the flag and writes on the new side, as the README tells applications to.
 */
class WriteSwitchIT {
  private static final List<QualifiedTable> TABLES =
      List.of(QualifiedTable.parse("public.orders"), QualifiedTable.parse("public.accounts"));

  enum Side {
    SOURCE,
    TARGET
  }

  @Test
  void writesMoveToTheTargetAndBackWithNothingLost() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      seed(source);
      var names = CutoverNames.of("test", "switch-" + source.name());
      try (CutoverDatabase db = replicating(source, target, names)) {
        try {
          var flag = new AtomicReference<>(Side.SOURCE);
          try (var app = new RoutedApp(source, target, flag)) {
            app.start(3);
            Thread.sleep(1500);
            var forward =
                new WriteSwitch(db, TABLES)
                    .toward(true, Duration.ofSeconds(5), () -> flag.set(Side.TARGET));
            assertTrue(forward.switched(), forward.message());
            Thread.sleep(1500);
            long onTarget = app.committedOn(Side.TARGET);
            assertTrue(onTarget > 50, "the application wrote on the target: " + onTarget);
            awaitCaughtUp(db, true);
            var back =
                new WriteSwitch(db, TABLES)
                    .toward(false, Duration.ofSeconds(5), () -> flag.set(Side.SOURCE));
            assertTrue(back.switched(), back.message());
            Thread.sleep(1500);
            app.stop();
            System.out.printf(
                "write switch: pause to target %d ms, back %d ms; %d writes committed"
                    + " (%d on the target), %d refused by the guard and retried%n",
                forward.pause().toMillis(),
                back.pause().toMillis(),
                app.committed.get(),
                onTarget,
                app.redirected.get());
            assertTrue(forward.pause().compareTo(Duration.ofSeconds(5)) < 0, forward.message());
            assertEquals(List.of(), app.failures(), "application statements that failed");
            awaitCaughtUp(db, false);
            for (TestDatabase side : List.of(source, target)) {
              app.assertEveryCommittedWriteIn(side);
            }
            for (QualifiedTable t : TABLES) {
              String digest =
                  "SELECT count(*) || ':' || md5(string_agg(x::text, ',' ORDER BY x.id)) FROM "
                      + t.sql()
                      + " x";
              assertEquals(
                  source.queryString(digest), target.queryString(digest), t + " identical");
            }
            assertEquals(
                0L,
                source.queryLong(
                    "SELECT count(*) FROM pg_trigger WHERE tgname = '"
                        + names.writeGuardTrigger()
                        + "'"),
                "the source takes writes again: no guard");
            assertEquals(
                2L,
                target.queryLong(
                    "SELECT count(*) FROM pg_trigger WHERE tgname = '"
                        + names.writeGuardTrigger()
                        + "'"),
                "the target refuses stray writes on both tables");
          }
        } finally {
          db.cleanup();
        }
        assertEquals(
            0L,
            target.queryLong(
                "SELECT count(*) FROM pg_trigger WHERE tgname = '"
                    + names.writeGuardTrigger()
                    + "'"),
            "cleanup removes the guard");
      }
    }
  }

  @Test
  void aSwitchThatCannotStopWritesInTimeAbortsAndChangesNothing() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      seed(source);
      var names = CutoverNames.of("test", "abort-" + source.name());
      try (CutoverDatabase db = replicating(source, target, names);
          Connection holder = source.connect()) {
        try {
          holder.setAutoCommit(false);
          holder.createStatement().executeUpdate("UPDATE accounts SET balance = 1 WHERE id = 7");
          var flipped = new AtomicBoolean();
          var result =
              new WriteSwitch(db, TABLES)
                  .toward(true, Duration.ofMillis(800), () -> flipped.set(true));
          holder.rollback();
          assertFalse(result.switched(), result.message());
          assertFalse(flipped.get(), "the flag was not touched");
          assertTrue(result.message().contains("gates.maxWritePause 0.800s"), result.message());
          assertTrue(
              result.message().contains("the source takes writes as before"), result.message());
          source.execute("INSERT INTO orders (amount) VALUES (1)");
          assertEquals(
              0L,
              source.queryLong(
                  "SELECT count(*) FROM pg_trigger WHERE tgname = '"
                      + names.writeGuardTrigger()
                      + "'"),
              "no guard left behind");
          assertTrue(db.lag().subscriptionEnabled(), "forward replication untouched");
        } finally {
          db.cleanup();
        }
      }
    }
  }

  private static void seed(TestDatabase source) {
    source.execute(
        "CREATE TABLE orders (id bigserial PRIMARY KEY, amount int NOT NULL)",
        "CREATE TABLE accounts (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            + " balance bigint NOT NULL)",
        "INSERT INTO orders (amount) SELECT g FROM generate_series(1, 20000) g",
        "INSERT INTO accounts (balance) SELECT g FROM generate_series(1, 5000) g");
  }

  private static CutoverDatabase replicating(
      TestDatabase source, TestDatabase target, CutoverNames names) throws Exception {
    CutoverDatabase db = CutoverDatabase.open(source.uri(), target.uri(), names);
    db.ensureTargetSchema(TABLES);
    db.ensureBookkeeping();
    db.ensurePublication(TABLES);
    new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 10000)
        .run(TABLES, (t, r, n) -> {});
    db.ensureSubscription();
    awaitCaughtUp(db, false);
    return db;
  }

  private static void awaitCaughtUp(CutoverDatabase db, boolean reverse) throws Exception {
    // A barrier, not a lag threshold: a low lag can still be a heartbeat older than the last write.
    if (!db.awaitApplied(reverse, Duration.ofMinutes(3))) {
      throw new AssertionError("replication did not catch up: " + db.lag(reverse).describe());
    }
  }

  /**
   * Writers that route by the flag: inserts (ids from the side's sequence) and updates of accounts
   * with a fresh value each. Every committed write is remembered; a statement refused by the write
   * guard is retried on the side the flag names now; every other failure is recorded.
   */
  private static final class RoutedApp implements AutoCloseable {
    private final TestDatabase source;
    private final TestDatabase target;
    private final AtomicReference<Side> flag;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<Long, Integer> orders = new ConcurrentHashMap<>();
    private final Map<Long, Long> balances = new ConcurrentHashMap<>();
    private final Map<Side, AtomicLong> perSide =
        Map.of(Side.SOURCE, new AtomicLong(), Side.TARGET, new AtomicLong());
    private final AtomicLong values = new AtomicLong(1_000_000);
    final AtomicLong committed = new AtomicLong();
    final AtomicLong redirected = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    RoutedApp(TestDatabase source, TestDatabase target, AtomicReference<Side> flag) {
      this.source = source;
      this.target = target;
      this.flag = flag;
    }

    void start(int writers) {
      for (int i = 0; i < writers; i++) {
        int account = i;
        Thread t = new Thread(() -> loop(account), "routed-app-" + i);
        threads.add(t);
        t.start();
      }
    }

    private void loop(int writer) {
      try (Connection s = source.connect();
          Connection t = target.connect()) {
        while (running.get()) {
          boolean insert = ThreadLocalRandom.current().nextBoolean();
          // Each writer updates its own accounts, so the last committed value per id is known.
          long account = 1 + writer + 3L * ThreadLocalRandom.current().nextInt(1000);
          int amount = ThreadLocalRandom.current().nextInt(1, 1000);
          long balance = values.incrementAndGet();
          for (int attempt = 0; ; attempt++) {
            Side side = flag.get();
            Connection c = side == Side.SOURCE ? s : t;
            try {
              if (insert) {
                try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO orders (amount) VALUES (?) RETURNING id")) {
                  ps.setInt(1, amount);
                  try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    orders.put(rs.getLong(1), amount);
                  }
                }
              } else {
                try (PreparedStatement ps =
                    c.prepareStatement("UPDATE accounts SET balance = ? WHERE id = ?")) {
                  ps.setLong(1, balance);
                  ps.setLong(2, account);
                  ps.executeUpdate();
                  balances.put(account, balance);
                }
              }
              committed.incrementAndGet();
              perSide.get(side).incrementAndGet();
              break;
            } catch (SQLException e) {
              if ("25006".equals(e.getSQLState()) && attempt < 100) {
                redirected.incrementAndGet();
                continue;
              }
              failures.add(side + ": " + e.getMessage());
              break;
            }
          }
        }
      } catch (SQLException e) {
        failures.add("connection: " + e.getMessage());
      }
    }

    long committedOn(Side side) {
      return perSide.get(side).get();
    }

    void assertEveryCommittedWriteIn(TestDatabase db) throws SQLException {
      try (Connection c = db.connect()) {
        try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM orders WHERE id = ?")) {
          for (var e : orders.entrySet()) {
            ps.setLong(1, e.getKey());
            try (ResultSet rs = ps.executeQuery()) {
              assertTrue(
                  rs.next(), "order " + e.getKey() + " committed but missing in " + db.name());
              assertEquals(e.getValue().intValue(), rs.getInt(1), "order " + e.getKey());
            }
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
          for (var e : balances.entrySet()) {
            ps.setLong(1, e.getKey());
            try (ResultSet rs = ps.executeQuery()) {
              assertTrue(rs.next());
              assertEquals(e.getValue().longValue(), rs.getLong(1), "account " + e.getKey());
            }
          }
        }
      }
      assertTrue(orders.size() > 100, "orders were inserted: " + orders.size());
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
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
