package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Lock waiters on demand: one session holds an ACCESS EXCLUSIVE lock on a table of its own and
 * {@code count} sessions queue behind it with a SELECT, so pg_stat_activity shows them with
 * wait_event_type 'Lock'. {@link #close()} releases the lock and lets every waiter finish.
 */
public final class LockWaiters implements AutoCloseable {
  private final TestDatabase db;
  private final Connection holder;
  private final ExecutorService pool;
  private final List<Future<?>> waiters = new ArrayList<>();

  public LockWaiters(TestDatabase db, String table, int count) throws SQLException {
    this.db = db;
    db.execute("CREATE TABLE IF NOT EXISTS " + table + " (id int)");
    holder = db.connect();
    holder.setAutoCommit(false);
    holder.createStatement().execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
    pool = Executors.newFixedThreadPool(count);
    for (int i = 0; i < count; i++) {
      waiters.add(
          pool.submit(
              () -> {
                try (Connection c = db.connect();
                    var s = c.createStatement()) {
                  s.execute("SELECT count(*) FROM " + table);
                }
                return null;
              }));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> waiting() == count);
  }

  /** Backends of this database waiting on a heavyweight lock now, as the test sees them. */
  public long waiting() {
    return db.queryLong(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND"
            + " wait_event_type = 'Lock'");
  }

  @Override
  public void close() throws Exception {
    try {
      holder.rollback();
      holder.close();
      for (var w : waiters) {
        w.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
