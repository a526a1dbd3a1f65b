package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.DriverManager;
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
 * An application version as three statements — an INSERT ... RETURNING id, an UPDATE of its own
 * rows, a SELECT — run on one connection as fast as it allows (20% inserts, 50% updates, 30%
 * reads). Each write carries a fresh number, bound to every parameter of the statement (the
 * UPDATE's last parameter is the id); the number it wrote last is kept per id, so a test can prove
 * no write was lost. Every failed statement is recorded with its message; nothing is retried.
 *
 * <p>Updates touch only pre-existing ids in [1, existingRows] of one parity, so two workloads with
 * different parities never write the same row.
 */
public final class TableWorkload implements AutoCloseable {
  private final String name;
  private final String jdbcUrl;
  private final String insertSql;
  private final String updateSql;
  private final String selectSql;
  private final long existingRows;
  private final int parity;
  private final Map<Long, Long> lastWritten = new ConcurrentHashMap<>();
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong longestNanos = new AtomicLong();
  private final AtomicLong valueBase = new AtomicLong();
  private volatile boolean transactional;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param jdbcProperties appended to the JDBC URL, e.g. "&autosave=conservative"; may be empty
   * @param parity 0 or 1: which pre-existing ids it updates; also the parity of the numbers it
   *     writes, so values never collide between two workloads
   */
  public TableWorkload(
      String name,
      String libpqUri,
      String jdbcProperties,
      String insertSql,
      String updateSql,
      String selectSql,
      long existingRows,
      int parity) {
    this.name = name;
    this.jdbcUrl = TestPostgres.jdbcUrl(libpqUri) + jdbcProperties;
    this.insertSql = insertSql;
    this.updateSql = updateSql;
    this.selectSql = selectSql;
    this.existingRows = existingRows;
    this.parity = parity;
    this.valueBase.set(1_000_000 + parity);
  }

  /**
   * Runs each statement in an explicit transaction (BEGIN ... COMMIT), as frameworks do. Across a
   * change of a column's type, pgjdbc then needs autosave=conservative to re-prepare a cached
   * statement instead of failing with "cached plan must not change result type"; in autocommit mode
   * it re-prepares by itself.
   */
  public TableWorkload inTransactions() {
    transactional = true;
    return this;
  }

  public TableWorkload start() {
    running = true;
    thread = new Thread(this::loop, "app-" + name);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** From now on, numbers written start at {@code base} (e.g. beyond the integer range). */
  public void writeFrom(long base) {
    valueBase.set(base + parity);
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

  /** id → the number this application wrote last to that row. */
  public Map<Long, Long> lastWritten() {
    return Map.copyOf(lastWritten);
  }

  public String report() {
    return "%s application: %d statements, %d failed, longest %d ms"
        .formatted(name, statements(), failures().size(), longestStatement().toMillis());
  }

  private void loop() {
    Connection c = null;
    while (running) {
      try {
        if (c == null || c.isClosed()) {
          c = DriverManager.getConnection(jdbcUrl);
          c.setAutoCommit(!transactional);
        }
        long value = valueBase.getAndAdd(2);
        int dice = ThreadLocalRandom.current().nextInt(10);
        long started = System.nanoTime();
        Long written = null; // the id written, recorded once committed
        if (dice < 2) {
          written = insert(c, value);
        } else if (dice < 7) {
          written = update(c, value);
        } else {
          select(c);
        }
        if (transactional) {
          c.commit();
        }
        if (written != null) {
          lastWritten.put(written, value);
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

  private Long insert(Connection c, long value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertSql)) {
      bind(ps, insertSql, value, -1);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private Long update(Connection c, long value) throws SQLException {
    long id = randomOwnId();
    try (PreparedStatement ps = c.prepareStatement(updateSql)) {
      bind(ps, updateSql, value, id);
      return ps.executeUpdate() == 1 ? id : null;
    }
  }

  private void select(Connection c) throws SQLException {
    long id = randomOwnId();
    try (PreparedStatement ps = c.prepareStatement(selectSql)) {
      ps.setLong(1, id);
      try (var rs = ps.executeQuery()) {
        if (rs.next() && rs.getObject(1) == null) {
          failures.add(selectSql + " of id " + id + " returned NULL");
        }
      }
    }
  }

  /** Binds {@code value} to every parameter; with an id, the last parameter is the id. */
  private static void bind(PreparedStatement ps, String sql, long value, long id)
      throws SQLException {
    int params = (int) sql.chars().filter(ch -> ch == '?').count();
    for (int i = 1; i <= params; i++) {
      ps.setLong(i, id >= 0 && i == params ? id : value);
    }
  }

  private long randomOwnId() {
    long half = Math.max(1, existingRows / 2);
    long k = ThreadLocalRandom.current().nextLong(half);
    return Math.min(existingRows, 2 * k + (parity == 0 ? 2 : 1));
  }

  /**
   * Ids whose {@code column} does not hold the number the workloads wrote last (or that are
   * missing), as "id: expected ≠ actual"; empty when every write survived.
   */
  public static List<String> lostWrites(
      TestDatabase db, String table, String column, TableWorkload... workloads) {
    var expected = new java.util.HashMap<Long, Long>();
    for (var w : workloads) {
      expected.putAll(w.lastWritten());
    }
    var lost = new ArrayList<String>();
    try (Connection c = db.connect();
        var ps =
            c.prepareStatement(
                "SELECT id, " + column + "::bigint FROM " + table + " WHERE id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("bigint", expected.keySet().toArray()));
      var seen = new java.util.HashSet<Long>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          seen.add(id);
          if (!expected.get(id).equals(rs.getLong(2))) {
            lost.add(id + ": " + expected.get(id) + " ≠ " + rs.getLong(2));
          }
        }
      }
      for (long id : expected.keySet()) {
        if (!seen.contains(id)) {
          lost.add(id + ": row missing");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return lost;
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
