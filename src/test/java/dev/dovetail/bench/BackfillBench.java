package dev.dovetail.bench;

import dev.dovetail.api.v1alpha1.BackfillSettings;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.MigrationGates;
import dev.dovetail.postgres.BackfillBatch;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.worker.WorkerMain;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * Issue 3, parts 1 and 2: the backfill Job (the real worker entry point, WorkerMain.run("backfill")
 * with the env a Job gets and the default backfill settings) against a one-statement UPDATE doing
 * the same write on the same table, each from the same starting state (username cleared, table
 * vacuumed), without and then with a pgbench client workload on the migrated table itself. For each
 * run: rows/s, WAL generated, peak replica lag; for the workload: TPS and latency while each ran.
 */
final class BackfillBench {
  static final String TABLE = "bench_users";
  static final int CLIENTS = 4;

  /**
   * The application: read a row by key and update an unrelated column of it (which fires the
   * rename's sync trigger), one row per transaction, as an OLTP application does.
   */
  static final String WORKLOAD =
      """
      \\set id random(1, :rows)
      BEGIN;
      SELECT user_name FROM bench_users WHERE id = :id;
      UPDATE bench_users SET email = 'w' || :id || '@example.com' WHERE id = :id;
      END;
      """;

  private final TestDatabase db;
  private final long rows;
  private final int workloadSeconds;
  private BackfillTarget target;
  private int jobs;

  BackfillBench(TestDatabase db, long rows, int workloadSeconds) {
    this.db = db;
    this.rows = rows;
    this.workloadSeconds = workloadSeconds;
  }

  record Run(
      String approach, String workload, long rows, double seconds, long walBytes, String lag) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  void run() throws Exception {
    try (Connection c = db.connect()) {
      Bookkeeping.install(c);
      BenchTable.create(c, TABLE, rows);
      target = BenchTable.target(BenchTable.expandRename(c, TABLE));
    }
    Run update = measure("one-statement UPDATE", this::singleUpdate, null, 0);
    Run backfill = measure("backfill Job", this::backfillJob, null, 0);

    var alone = workloadAlone();
    var updateWindow = new Pgbench.WindowStats[1];
    Run updateLoaded =
        measure(
            "one-statement UPDATE",
            this::singleUpdate,
            stats -> updateWindow[0] = stats,
            coverage(update));
    var backfillWindow = new Pgbench.WindowStats[1];
    Run backfillLoaded =
        measure(
            "backfill Job",
            this::backfillJob,
            stats -> backfillWindow[0] = stats,
            coverage(backfill));

    var table =
        new MarkdownTable(
            "approach",
            "concurrent workload",
            "rows",
            "seconds",
            "rows/s",
            "ratio to UPDATE",
            "WAL",
            "WAL bytes/row",
            "peak replica lag (time / bytes)");
    for (Run[] pair : new Run[][] {{update, update}, {update, backfill}}) {
      add(table, pair[1], pair[0]);
    }
    for (Run[] pair : new Run[][] {{updateLoaded, updateLoaded}, {updateLoaded, backfillLoaded}}) {
      add(table, pair[1], pair[0]);
    }
    System.out.println();
    System.out.printf(
        "### Backfill vs one-statement UPDATE (%s rows, renameColumn user_name → username)%n%n",
        MarkdownTable.count(rows));
    System.out.print(table.render());

    var wl =
        new MarkdownTable(
            "workload (pgbench -c " + CLIENTS + ", custom script on " + TABLE + ")",
            "seconds",
            "transactions",
            "TPS",
            "p50 ms",
            "p99 ms",
            "max ms");
    addWindow(wl, "alone", alone);
    addWindow(wl, "during one-statement UPDATE", updateWindow[0]);
    addWindow(wl, "during backfill Job", backfillWindow[0]);
    System.out.println();
    System.out.printf("### Application workload with and without the backfill%n%n");
    System.out.print(wl.render());
  }

  private static void add(MarkdownTable t, Run run, Run baseline) {
    t.row(
        run.approach(),
        run.workload(),
        MarkdownTable.count(run.rows()),
        MarkdownTable.seconds(run.seconds()),
        MarkdownTable.rate(run.rowsPerSecond()),
        MarkdownTable.ratio(run.rowsPerSecond() / baseline.rowsPerSecond()),
        MarkdownTable.bytes(run.walBytes()),
        MarkdownTable.count(run.walBytes() / Math.max(1, run.rows())),
        run.lag());
  }

  private static void addWindow(MarkdownTable t, String label, Pgbench.WindowStats s) {
    t.row(
        label,
        MarkdownTable.seconds(s.seconds()),
        MarkdownTable.count(s.transactions()),
        MarkdownTable.rate(s.tps()),
        MarkdownTable.millis(s.p50Ms()),
        MarkdownTable.millis(s.p99Ms()),
        MarkdownTable.millis(s.maxMs()));
  }

  @FunctionalInterface
  interface Approach {
    /** Brings username in sync on the whole table; returns the rows it went through. */
    long run() throws Exception;
  }

  @FunctionalInterface
  interface WindowSink {
    void accept(Pgbench.WindowStats stats);
  }

  /**
   * One run from the cleared state; with {@code sink} set, under the workload, whose transactions
   * started while the approach ran are handed to it.
   */
  private Run measure(String name, Approach approach, WindowSink sink, int workloadRunSeconds)
      throws Exception {
    reset();
    Pgbench pgbench = null;
    long pgbenchEnd = Long.MAX_VALUE;
    try {
      if (sink != null) {
        int seconds = workloadRunSeconds;
        long started = System.currentTimeMillis();
        pgbench = startWorkload(seconds);
        pgbenchEnd = started + seconds * 1000L;
        Thread.sleep(2_000);
      }
      long lsn0;
      long done;
      long t0;
      long t1;
      String lag;
      try (Connection c = db.connect()) {
        String start = currentLsn(c);
        t0 = System.currentTimeMillis();
        try (var sampler = new LagSampler(db.uri())) {
          done = approach.run();
          t1 = System.currentTimeMillis();
          lag = sampler.peak();
        }
        lsn0 = walSince(c, start);
        long stale = count(c, target.outOfSyncPredicate());
        if (stale != 0) {
          throw new IllegalStateException(name + " left " + stale + " rows out of sync");
        }
      }
      if (sink != null) {
        var txs = pgbench.finish();
        if (t1 > pgbenchEnd) {
          System.out.printf(
              "note: %s outlasted the workload by %d ms; workload window truncated%n",
              name, t1 - pgbenchEnd);
        }
        sink.accept(Pgbench.WindowStats.of(txs, t0, Math.min(t1, pgbenchEnd)));
      }
      return new Run(name, sink == null ? "none" : "pgbench", done, (t1 - t0) / 1000.0, lsn0, lag);
    } finally {
      if (pgbench != null) {
        pgbench.cleanUp();
      }
    }
  }

  /** pgbench's -T for a loaded run: covers it even if the workload slows it down four times. */
  private static int coverage(Run unloaded) {
    return (int) Math.ceil(unloaded.seconds() * 4) + 5;
  }

  private Pgbench.WindowStats workloadAlone() throws Exception {
    reset();
    long t0 = System.currentTimeMillis();
    var pgbench = startWorkload(workloadSeconds + 1);
    try {
      var txs = pgbench.finish();
      // The first second is connection set-up.
      return Pgbench.WindowStats.of(txs, t0 + 1_000, t0 + (workloadSeconds + 1) * 1000L);
    } finally {
      pgbench.cleanUp();
    }
  }

  private Pgbench startWorkload(int seconds) throws Exception {
    var pgbench = new Pgbench(db.uri(), WORKLOAD, CLIENTS, seconds, List.of("rows=" + rows));
    Leftovers.onInterrupt("pgbench", pgbench::cleanUp);
    return pgbench;
  }

  /** The baseline: the backfill's own assignment in one statement, from the backfill's session. */
  private long singleUpdate() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      BackfillBatch.claimSession(c, target);
      s.executeUpdate(
          "UPDATE "
              + TABLE
              + " SET "
              + target.assignment()
              + " WHERE "
              + target.outOfSyncPredicate());
      // Rows gone through, as for the backfill (the workload may have synced some already).
      return rows;
    }
  }

  /** The backfill Job's pod, in process: WorkerMain with the environment the Job would get. */
  private long backfillJob() {
    jobs++;
    var settings = new BackfillSettings();
    var plan =
        new dev.dovetail.worker.WorkerPlan(
            "bench/backfill-" + jobs,
            List.of(target),
            settings.getInitialBatchSize(),
            settings.getMaxBatchSize(),
            Durations.parse(settings.getTargetBatchDuration()).toMillis(),
            Durations.parse(settings.getPauseBetweenBatches()).toMillis(),
            Durations.parse(new MigrationGates().getMaxReplicationLag()).toMillis(),
            new MigrationGates().getMaxActiveConnections(),
            new MigrationGates().getMaxLockWaits(),
            10_000);
    int code =
        WorkerMain.run(
            List.of("backfill"),
            Map.of(
                "DOVETAIL_DATABASE_URI", db.uri(),
                "DOVETAIL_PLAN", plan.toJson(),
                "DOVETAIL_JOB_NAME", "bench-backfill-" + jobs));
    if (code != 0) {
      throw new IllegalStateException("backfill worker exited " + code);
    }
    return rows;
  }

  /** Clears username everywhere (bypassing the sync trigger as the backfill does) and vacuums. */
  private void reset() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      BackfillBatch.claimSession(c, target);
      s.executeUpdate("UPDATE " + TABLE + " SET username = NULL WHERE username IS NOT NULL");
      s.execute("VACUUM " + TABLE);
      s.execute("CHECKPOINT");
      long left = count(c, "username IS NOT NULL");
      if (left != 0) {
        throw new IllegalStateException("reset left " + left + " rows with username set");
      }
    }
  }

  private static long count(Connection c, String where) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String currentLsn(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static long walSince(Connection c, String lsn) throws SQLException {
    try (var ps =
        c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint")) {
      ps.setString(1, lsn);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
