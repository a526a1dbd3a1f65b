package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.Sql;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The initial copy, consistent with change capture: the replication slot is created first and
 * exports a snapshot; every range is copied from that snapshot, so the slot streams exactly the
 * changes committed after the copied state. Tables are split into ranges of their integer primary
 * key (one range otherwise) and copied in parallel, each range in one target transaction that also
 * records it as done.
 *
 * <p>A crash loses the exported snapshot (it lives only as long as the connection that created the
 * slot). A resumed copy therefore creates a new slot and snapshot, and ranges already copied are
 * compared with the source at the new snapshot by a digest computed in each database: equal ranges
 * are kept, differing ranges are copied again. Either way every range ends equal to the source at
 * the snapshot the slot streams from.
 */
public final class TableCopy {
  private static final String APP = "dovetail-copy";

  /** Called after each range; tests use it to crash the copy part-way. */
  public interface RangeListener {
    void copied(QualifiedTable table, int range, long rows) throws SQLException;
  }

  public record Result(long rowsCopied, int rangesCopied, int rangesKeptOnResume) {}

  private final PgUri source;
  private final PgUri target;
  private final CutoverNames names;
  private final int parallelism;
  private final long rowsPerRange;

  public TableCopy(
      PgUri source, PgUri target, CutoverNames names, int parallelism, long rowsPerRange) {
    this.source = source;
    this.target = target;
    this.names = names;
    this.parallelism = Math.max(1, parallelism);
    this.rowsPerRange = Math.max(1, rowsPerRange);
  }

  public Result run(List<QualifiedTable> tables, RangeListener listener) throws Exception {
    try (Connection replication = replicationConnection();
        Connection plan = target.connect(APP)) {
      if (subscriptionExists(plan)) {
        return new Result(0, 0, 0); // copied before and streaming: nothing to do
      }
      boolean resumed = slotExists();
      if (resumed) {
        try (Connection control = source.connect(APP)) {
          Replication.dropSlot(control, names.slot());
        }
      }
      String snapshot = createSlot(replication);
      var ranges = new ArrayList<CopyRange>();
      try (Connection src = snapshotConnection(snapshot)) {
        for (QualifiedTable table : tables) {
          ranges.addAll(CopyRange.planOrLoad(src, plan, names.key(), table, rowsPerRange));
        }
        src.commit();
      }
      AtomicLong rows = new AtomicLong();
      AtomicLong kept = new AtomicLong();
      AtomicLong copied = new AtomicLong();
      // Each worker keeps one pair of connections for all its ranges: the source side stays in one
      // transaction at the exported snapshot, the target commits range by range. A connection pair
      // per range cost more than copying its 10,000 rows.
      var queue = new ConcurrentLinkedQueue<CopyRange>(ranges);
      var stop = new AtomicBoolean();
      int workers = Math.max(1, Math.min(parallelism, ranges.size()));
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      try {
        var futures = new ArrayList<Future<?>>();
        for (int w = 0; w < workers; w++) {
          futures.add(
              pool.submit(
                  () -> {
                    try (Connection src = snapshotConnection(snapshot);
                        Connection dst = target.connect(APP)) {
                      CopyRange range;
                      while (!stop.get() && (range = queue.poll()) != null) {
                        if (range.done() && range.sameOnBothSides(src, dst)) {
                          kept.incrementAndGet();
                        } else {
                          long n = range.copy(src, dst);
                          rows.addAndGet(n);
                          copied.incrementAndGet();
                          listener.copied(range.table(), range.number(), n);
                        }
                      }
                      src.commit();
                    } catch (Exception e) {
                      stop.set(true); // the other workers finish the range they are on, no more
                      throw e;
                    }
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      return new Result(rows.get(), (int) copied.get(), (int) kept.get());
    }
  }

  private boolean subscriptionExists(Connection targetConnection) throws SQLException {
    return Replication.exists(
        targetConnection, "SELECT 1 FROM pg_subscription WHERE subname = ?", names.subscription());
  }

  private boolean slotExists() throws SQLException {
    try (Connection c = source.connect(APP)) {
      return Replication.exists(
          c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", names.slot());
    }
  }

  private Connection replicationConnection() throws SQLException {
    Properties p = source.jdbcProperties(APP);
    p.setProperty("replication", "database");
    p.setProperty("preferQueryMode", "simple");
    p.setProperty("assumeMinServerVersion", "10");
    return java.sql.DriverManager.getConnection(source.jdbcUrl(), p);
  }

  /** The slot, with a snapshot that stays valid while {@code replication} stays open and idle. */
  private String createSlot(Connection replication) throws SQLException {
    try (Statement st = replication.createStatement();
        ResultSet rs =
            st.executeQuery(
                "CREATE_REPLICATION_SLOT "
                    + Sql.ident(names.slot())
                    + " LOGICAL pgoutput"
                    + " EXPORT_SNAPSHOT")) {
      rs.next();
      return rs.getString("snapshot_name");
    }
  }

  private Connection snapshotConnection(String snapshot) throws SQLException {
    Connection c = source.connect(APP);
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      st.execute("SET TRANSACTION SNAPSHOT " + Replication.literal(snapshot));
    }
    return c;
  }

  /** One key range of one table, recorded in the target's dovetail.cutover_copy_ranges. */
  record CopyRange(
      String cutover,
      QualifiedTable table,
      int number,
      String key,
      Long lower,
      Long upper,
      boolean done,
      List<String> columns) {

    static List<CopyRange> planOrLoad(
        Connection src, Connection dst, String cutover, QualifiedTable table, long rowsPerRange)
        throws SQLException {
      TableShape shape =
          TableShape.read(src, table)
              .orElseThrow(() -> new SQLException("table " + table + " vanished from the source"));
      List<String> columns =
          shape.columns().stream()
              .filter(c -> c.generated() != 's')
              .map(TableShape.Column::name)
              .toList();
      String key = shape.primaryKey().size() == 1 ? shape.primaryKey().get(0) : null;
      boolean integerKey =
          key != null
              && shape.columns().stream()
                  .anyMatch(
                      c ->
                          c.name().equals(key)
                              && List.of("integer", "bigint", "smallint").contains(c.type()));
      var loaded = load(dst, cutover, table, integerKey ? key : null, columns);
      if (!loaded.isEmpty()) {
        return loaded;
      }
      var ranges = new ArrayList<CopyRange>();
      if (!integerKey) {
        ranges.add(new CopyRange(cutover, table, 0, null, null, null, false, columns));
      } else {
        long min;
        long max;
        // Rows are estimated as the planner does (the table's current pages times the rows per page
        // of its last ANALYZE or VACUUM) rather than counted: count(*) of a large table would be a
        // full scan at the snapshot before any row is copied. Without statistics the key span
        // stands in, as if the keys were dense. Ranges are cut by key value, so an estimate only
        // makes them larger or smaller, never leaves a key out.
        try (PreparedStatement ps =
            src.prepareStatement(
                "SELECT min("
                    + Sql.ident(key)
                    + "), max("
                    + Sql.ident(key)
                    + "), (SELECT CASE WHEN c.relpages > 0 AND c.reltuples >= 0 THEN"
                    + " c.reltuples / c.relpages * (pg_relation_size(c.oid)"
                    + " / current_setting('block_size')::int) END"
                    + " FROM pg_class c WHERE c.oid = ?::regclass) FROM "
                    + table.sql())) {
          ps.setString(1, table.sql());
          long count;
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            min = rs.getLong(1);
            max = rs.getLong(2);
            double estimate = rs.getDouble(3);
            long span = max - min + 1;
            count = rs.wasNull() ? span : Math.min(span, Math.max(1, Math.round(estimate)));
          }
          long n = Math.max(1, (count + rowsPerRange - 1) / rowsPerRange);
          long width = Math.max(1, (max - min + 1 + n - 1) / n);
          // The first range is open below and the last open above: rows inserted later with keys
          // outside [min, max] arrive by replication, but a resumed copy at a newer snapshot
          // must still cover them.
          for (int i = 0; i < n; i++) {
            Long lower = i == 0 ? null : min + i * width;
            Long upper = i == n - 1 ? null : min + (i + 1) * width;
            ranges.add(new CopyRange(cutover, table, i, key, lower, upper, false, columns));
          }
        }
      }
      try (PreparedStatement ps =
          dst.prepareStatement(
              "INSERT INTO dovetail.cutover_copy_ranges (cutover, table_name, range_no,"
                  + " lower_key, upper_key) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (CopyRange r : ranges) {
          ps.setString(1, cutover);
          ps.setString(2, table.toString());
          ps.setInt(3, r.number());
          ps.setString(4, r.lower() == null ? null : r.lower().toString());
          ps.setString(5, r.upper() == null ? null : r.upper().toString());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return ranges;
    }

    private static List<CopyRange> load(
        Connection dst, String cutover, QualifiedTable table, String key, List<String> columns)
        throws SQLException {
      var ranges = new ArrayList<CopyRange>();
      try (PreparedStatement ps =
          dst.prepareStatement(
              "SELECT range_no, lower_key, upper_key, done_at IS NOT NULL"
                  + " FROM dovetail.cutover_copy_ranges WHERE cutover = ? AND table_name = ?"
                  + " ORDER BY range_no")) {
        ps.setString(1, cutover);
        ps.setString(2, table.toString());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ranges.add(
                new CopyRange(
                    cutover,
                    table,
                    rs.getInt(1),
                    key,
                    rs.getString(2) == null ? null : Long.valueOf(rs.getString(2)),
                    rs.getString(3) == null ? null : Long.valueOf(rs.getString(3)),
                    rs.getBoolean(4),
                    columns));
          }
        }
      }
      return ranges;
    }

    String where() {
      var parts = new ArrayList<String>();
      if (lower != null) {
        parts.add(Sql.ident(key) + " >= " + lower); // a long from the catalog, not user text
      }
      if (upper != null) {
        parts.add(Sql.ident(key) + " < " + upper);
      }
      return parts.isEmpty() ? "true" : String.join(" AND ", parts);
    }

    private String columnList() {
      return columns.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    /** md5 of the range's rows in key order, computed inside the database. */
    private String digest(Connection c) throws SQLException {
      String order = key == null ? "t::text" : Sql.ident(key);
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY "
                      + order
                      + "), '')) FROM (SELECT "
                      + columnList()
                      + " FROM "
                      + table.sql()
                      + " WHERE "
                      + where()
                      + ") t")) {
        rs.next();
        return rs.getString(1);
      }
    }

    boolean sameOnBothSides(Connection src, Connection dst) throws SQLException {
      return digest(src).equals(digest(dst));
    }

    /** Replaces the range on the target with the source's rows and marks it done, atomically. */
    long copy(Connection src, Connection dst) throws SQLException, IOException {
      dst.setAutoCommit(false);
      try {
        try (Statement st = dst.createStatement()) {
          st.execute("DELETE FROM " + table.sql() + " WHERE " + where());
        }
        long rows = pipe(src, dst);
        try (PreparedStatement ps =
            dst.prepareStatement(
                "UPDATE dovetail.cutover_copy_ranges SET rows_copied = ?, done_at = now()"
                    + " WHERE cutover = ? AND table_name = ? AND range_no = ?")) {
          ps.setLong(1, rows);
          ps.setString(2, cutover);
          ps.setString(3, table.toString());
          ps.setInt(4, number);
          ps.executeUpdate();
        }
        dst.commit();
        return rows;
      } catch (SQLException | IOException e) {
        dst.rollback();
        throw e;
      } finally {
        dst.setAutoCommit(true);
      }
    }

    private long pipe(Connection src, Connection dst) throws SQLException, IOException {
      CopyManager out = src.unwrap(PGConnection.class).getCopyAPI();
      CopyManager in = dst.unwrap(PGConnection.class).getCopyAPI();
      String select =
          "COPY (SELECT "
              + columnList()
              + " FROM "
              + table.sql()
              + " WHERE "
              + where()
              + ") TO STDOUT (FORMAT binary)";
      String insert = "COPY " + table.sql() + " (" + columnList() + ") FROM STDIN (FORMAT binary)";
      try (var reader = new PipedInputStream(1 << 16);
          var writer = new PipedOutputStream(reader)) {
        var failure = new java.util.concurrent.atomic.AtomicReference<Exception>();
        Thread producer =
            new Thread(
                () -> {
                  try (writer) {
                    out.copyOut(select, writer);
                  } catch (Exception e) {
                    failure.set(e);
                  }
                },
                "copy-out-" + table + "-" + number);
        producer.start();
        long rows = in.copyIn(insert, reader);
        try {
          producer.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted", e);
        }
        if (failure.get() != null) {
          throw new SQLException("reading " + table + " from the source failed", failure.get());
        }
        return rows;
      }
    }
  }
}
