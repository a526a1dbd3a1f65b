package dev.dovetail.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dovetail.testing.LockWaiters;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What DatabaseLoad counts on a real server: lock waiters and active client backends of the
 * measured database only, never the measuring session itself.
 */
class DatabaseLoadIT {
  TestDatabase measured;
  TestDatabase other;

  @BeforeEach
  void setUp() {
    measured = TestPostgres.newPrimaryDatabase();
    other = TestPostgres.newPrimaryDatabase();
  }

  @AfterEach
  void tearDown() {
    measured.close();
    other.close();
  }

  @Test
  void countsLockWaitersOfItsOwnDatabaseOnly() throws Exception {
    try (Connection c = measured.connect()) {
      var idle = DatabaseLoad.measure(c);
      assertEquals(0, idle.lockWaiters());
      assertEquals(0, idle.activeBackends(), "the measuring query itself is not counted");
      assertEquals(
          measured.queryLong("SELECT current_setting('max_connections')::int"),
          idle.maxConnections());
      try (var elsewhere = new LockWaiters(other, "held", 3)) {
        assertEquals(0, DatabaseLoad.measure(c).lockWaiters(), "another database's waiters");
        try (var here = new LockWaiters(measured, "held", 4)) {
          var load = DatabaseLoad.measure(c);
          assertEquals(4, load.lockWaiters());
          assertEquals(4, load.activeBackends(), "a query waiting on a lock is active too");
        }
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> DatabaseLoad.measure(c).lockWaiters() == 0);
    }
  }

  @Test
  void countsRunningQueriesAsActive() throws Exception {
    try (Connection c = measured.connect()) {
      var sleeper = CompletableFuture.runAsync(() -> measured.execute("SELECT pg_sleep(3)"));
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> DatabaseLoad.measure(c).activeBackends() == 1);
        assertEquals(0, DatabaseLoad.measure(c).lockWaiters());
      } finally {
        sleeper.join();
      }
      assertEquals(0, DatabaseLoad.measure(c).activeBackends());
    }
  }
}
