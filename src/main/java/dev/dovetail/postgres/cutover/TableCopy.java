package dev.dovetail.postgres.cutover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                      KeyedTable.settle(dst);
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
    // Key bounds travel as text; both sides print and parse values under the same settings.
    KeyedTable.settle(c);
    return c;
  }

  /**
   * One key range of one table, recorded in the target's dovetail.cutover_copy_ranges.
   *
   * @param where the range as a predicate with literal bounds (COPY takes no parameters)
   * @param order the key as ORDER BY expressions, for the range's digest
   * @param lowerText the lower bound as recorded (null: open)
   * @param upperText the upper bound as recorded (null: open)
   */
  record CopyRange(
      String cutover,
      QualifiedTable table,
      int number,
      String where,
      String order,
      String lowerText,
      String upperText,
      boolean done,
      List<String> columns) {

    private static final ObjectMapper JSON = new ObjectMapper();

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
      Keying keying = integerKey ? new IntegerKey(key) : new WalkedKey(keyed(src, dst, table));
      var loaded = load(dst, cutover, table, keying, columns);
      if (!loaded.isEmpty()) {
        return loaded;
      }
      var ranges = new ArrayList<CopyRange>();
      List<String> bounds = keying.cut(src, table, rowsPerRange);
      // n bounds cut n + 1 ranges; the first is open below and the last open above: rows
      // inserted later with keys outside the bounds arrive by replication, but a resumed copy at a
      // newer snapshot must still cover them.
      for (int i = 0; i <= bounds.size(); i++) {
        String lower = i == 0 ? null : bounds.get(i - 1);
        String upper = i == bounds.size() ? null : bounds.get(i);
        ranges.add(keying.range(cutover, table, i, lower, upper, false, columns));
      }
      try (PreparedStatement ps =
          dst.prepareStatement(
              "INSERT INTO dovetail.cutover_copy_ranges (cutover, table_name, range_no,"
                  + " lower_key, upper_key) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (CopyRange r : ranges) {
          ps.setString(1, cutover);
          ps.setString(2, table.toString());
          ps.setInt(3, r.number());
          ps.setString(4, r.lowerText());
          ps.setString(5, r.upperText());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return ranges;
    }

    private static KeyedTable keyed(Connection src, Connection dst, QualifiedTable table)
        throws SQLException {
      try {
        return KeyedTable.of(src, dst, table);
      } catch (CutoverProblem e) {
        throw new SQLException(e.getMessage(), e);
      }
    }

    private static List<CopyRange> load(
        Connection dst, String cutover, QualifiedTable table, Keying keying, List<String> columns)
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
                keying.range(
                    cutover,
                    table,
                    rs.getInt(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getBoolean(4),
                    columns));
          }
        }
      }
      return ranges;
    }

    /** How a table's key is cut into ranges and how a recorded bound becomes a predicate. */
    private interface Keying {
      /** The bounds between ranges, ascending, as recorded. */
      List<String> cut(Connection src, QualifiedTable table, long rowsPerRange) throws SQLException;

      CopyRange range(
          String cutover,
          QualifiedTable table,
          int number,
          String lower,
          String upper,
          boolean done,
          List<String> columns);
    }

    /**
     * A single integer key: ranges [lower, upper) of equal width over [min, max], their number from
     * the planner's row estimate (no scan at all).
     */
    private record IntegerKey(String key) implements Keying {
      @Override
      public List<String> cut(Connection src, QualifiedTable table, long rowsPerRange)
          throws SQLException {
        long min;
        long max;
        long count;
        // Rows are estimated as the planner does (the table's current pages times the rows per
        // page of its last ANALYZE or VACUUM) rather than counted: count(*) of a large table would
        // be a full scan at the snapshot before any row is copied. Without statistics the key span
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
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            min = rs.getLong(1);
            max = rs.getLong(2);
            double estimate = rs.getDouble(3);
            long span = max - min + 1;
            count = rs.wasNull() ? span : Math.min(span, Math.max(1, Math.round(estimate)));
          }
        }
        long n = Math.max(1, (count + rowsPerRange - 1) / rowsPerRange);
        long width = Math.max(1, (max - min + 1 + n - 1) / n);
        var bounds = new ArrayList<String>();
        for (long i = 1; i < n; i++) {
          bounds.add(Long.toString(min + i * width));
        }
        return bounds;
      }

      @Override
      public CopyRange range(
          String cutover,
          QualifiedTable table,
          int number,
          String lower,
          String upper,
          boolean done,
          List<String> columns) {
        var parts = new ArrayList<String>();
        // Bounds are longs (parsed here, so never text from anywhere else).
        if (lower != null) {
          parts.add(Sql.ident(key) + " >= " + Long.parseLong(lower));
        }
        if (upper != null) {
          parts.add(Sql.ident(key) + " < " + Long.parseLong(upper));
        }
        String where = parts.isEmpty() ? "true" : String.join(" AND ", parts);
        return new CopyRange(
            cutover, table, number, where, Sql.ident(key), lower, upper, done, columns);
      }
    }

    /**
     * Any other primary key (text, uuid, composite, …): bounds found by walking the key's index
     * every {@code rowsPerRange} rows at the snapshot, ranges (lower, upper] in the key's order
     * (text in the "C" collation, so both servers agree), bounds recorded as JSON arrays of the
     * key's values as text.
     */
    private record WalkedKey(KeyedTable keyed) implements Keying {
      @Override
      public List<String> cut(Connection src, QualifiedTable table, long rowsPerRange)
          throws SQLException {
        int size = (int) Math.min(Integer.MAX_VALUE, rowsPerRange);
        var bounds = new ArrayList<String>();
        RowKey bound = keyed.nextBound(src, null, size);
        while (bound != null) {
          bounds.add(encode(bound));
          bound = keyed.nextBound(src, bound, size);
        }
        return bounds;
      }

      @Override
      public CopyRange range(
          String cutover,
          QualifiedTable table,
          int number,
          String lower,
          String upper,
          boolean done,
          List<String> columns) {
        String where = keyed.rangeLiteral(decode(lower), decode(upper));
        return new CopyRange(
            cutover, table, number, where, keyed.keyOrder(), lower, upper, done, columns);
      }

      private static String encode(RowKey key) {
        try {
          return JSON.writeValueAsString(key.values());
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }

      private static RowKey decode(String text) {
        if (text == null) {
          return null;
        }
        try {
          return new RowKey(List.of(JSON.readValue(text, String[].class)));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("unreadable copy range bound " + text, e);
        }
      }
    }

    private String columnList() {
      return columns.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    /** md5 of the range's rows in key order, computed inside the database. */
    private String digest(Connection c) throws SQLException {
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
