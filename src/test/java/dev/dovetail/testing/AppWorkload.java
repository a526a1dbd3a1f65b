package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application version running against {@code users}: INSERT, UPDATE and SELECT on one column
 * name, as fast as one connection allows with a small think time. Every failed statement is
 * recorded with its message; nothing is retried or hidden. The values it wrote last are kept per id
 * so that a test can prove none was lost.
 *
 * <p>Updates touch only the pre-existing ids in [1, existingRows] of one parity, so two workloads
 * with different parities never update the same row and every row has one well-defined last writer.
 */
public final class AppWorkload implements AutoCloseable {
  private final String name;
  private final String uri;
  private final String column;
  private final long existingRows;
  private final int parity;
  private final Map<Long, String> lastWritten = new ConcurrentHashMap<>();
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong longestNanos = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  /**
   * @param column the column name this application version knows
   * @param parity 0 or 1: which pre-existing ids it updates
   */
  public AppWorkload(String name, String uri, String column, long existingRows, int parity) {
    this.name = name;
    this.uri = uri;
    this.column = column;
    this.existingRows = existingRows;
    this.parity = parity;
  }

  public AppWorkload start() {
    running = true;
    thread = new Thread(this::loop, "app-" + name);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Stops after the statement in flight and waits for it. */
  public void stop() {
    running = false;
    if (thread != null) {
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  public String name() {
    return name;
  }

  public long statements() {
    return statements.get();
  }

  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  public Duration longestStatement() {
    return Duration.ofNanos(longestNanos.get());
  }

  /** id → the value this application wrote last to that row. */
  public Map<Long, String> lastWritten() {
    return Map.copyOf(lastWritten);
  }

  private void loop() {
    long counter = 0;
    Connection c = null;
    while (running) {
      try {
        if (c == null || c.isClosed()) {
          c = TestPostgres.connect(uri);
        }
        String value = name + "-" + (++counter);
        int dice = ThreadLocalRandom.current().nextInt(10);
        long started = System.nanoTime();
        if (dice < 2) {
          insert(c, value);
        } else if (dice < 7) {
          update(c, value);
        } else {
          select(c);
        }
        longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        statements.incrementAndGet();
        Thread.sleep(1);
      } catch (SQLException e) {
        failures.add(e.getSQLState() + ": " + e.getMessage());
        closeQuietly(c);
        c = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        failures.add(e.toString());
        closeQuietly(c);
        c = null;
      }
    }
    closeQuietly(c);
  }

  private void insert(Connection c, String value) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO users (" + quote(column) + ", email) VALUES (?, ?) RETURNING id")) {
      ps.setString(1, value);
      ps.setString(2, value + "@example.com");
      try (var rs = ps.executeQuery()) {
        rs.next();
        lastWritten.put(rs.getLong(1), value);
      }
    }
  }

  private void update(Connection c, String value) throws SQLException {
    long id = randomOwnId();
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE users SET " + quote(column) + " = ? WHERE id = ?")) {
      ps.setString(1, value);
      ps.setLong(2, id);
      if (ps.executeUpdate() == 1) {
        lastWritten.put(id, value);
      }
    }
  }

  private void select(Connection c) throws SQLException {
    long id = randomOwnId();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + quote(column) + " FROM users WHERE id = ?")) {
      ps.setLong(1, id);
      try (var rs = ps.executeQuery()) {
        if (rs.next() && rs.getString(1) == null) {
          failures.add("SELECT " + column + " of id " + id + " returned NULL");
        }
      }
    }
  }

  private long randomOwnId() {
    long half = Math.max(1, existingRows / 2);
    long k = ThreadLocalRandom.current().nextLong(half);
    return Math.min(existingRows, 2 * k + (parity == 0 ? 2 : 1));
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the connection is being thrown away
      }
    }
  }
}
