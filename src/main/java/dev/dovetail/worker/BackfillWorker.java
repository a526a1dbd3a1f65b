package dev.dovetail.worker;

import dev.dovetail.postgres.BackfillBatch;
import dev.dovetail.postgres.BackfillProgress;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.DatabaseLoad;
import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.ReplicationLag;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The backfill Job: for each target, keyset batches from its checkpoint to the key that was last
 * when it started. The batch size adapts toward the target batch duration; before every batch the
 * worker waits while the migration is paused, replica lag is over the gate, or the database is
 * loaded beyond gates.maxLockWaits / gates.maxActiveConnections, and says so in its checkpoint row
 * (the operator shows it in status).
 */
final class BackfillWorker {
  static final String APPLICATION_NAME = "dovetail-backfill";
  private static final Logger LOG = Logger.getLogger(BackfillWorker.class);
  private static final Duration THROTTLE_RECHECK = Duration.ofMillis(500);
  private static final Duration LOG_EVERY = Duration.ofSeconds(5);

  private final PgUri database;
  private final WorkerPlan plan;
  private final String job;

  BackfillWorker(PgUri database, WorkerPlan plan, String job) {
    this.database = database;
    this.plan = plan;
    this.job = job;
  }

  int run() throws SQLException, InterruptedException {
    LOG.infof("backfill %s on %s: %d target(s)", job, database.redacted(), plan.targets().size());
    try (Connection c = database.connect(APPLICATION_NAME)) {
      Bookkeeping.install(c);
      for (BackfillTarget target : plan.targets()) {
        backfill(c, target);
      }
    }
    return 0;
  }

  private void backfill(Connection c, BackfillTarget target)
      throws SQLException, InterruptedException {
    BackfillBatch.claimSession(c, target);
    var existing = Bookkeeping.backfillProgress(c, plan.migration(), target.operationId());
    if (existing.isPresent() && existing.get().finished()) {
      LOG.infof("%s.%s already backfilled", target.schema(), target.table());
      return;
    }
    long estimate =
        new Catalog(c)
            .table(target.schema(), target.table())
            .map(t -> t.estimatedRows())
            .orElse(0L);
    Bookkeeping.startBackfill(c, plan.migration(), target.operationId(), job, estimate);
    var batch = new BackfillBatch(target, plan.migration());
    String upper = batch.upperBound(c);
    String after = existing.map(BackfillProgress::lastKey).orElse(null);
    int size = Math.max(1, Math.min(plan.initialBatchSize(), plan.maxBatchSize()));
    long started = System.nanoTime();
    long lastLog = started;
    long scanned = existing.map(BackfillProgress::rowsDone).orElse(0L);
    if (after != null) {
      LOG.infof(
          "resuming %s.%s after key %s (%d rows already done)",
          target.schema(), target.table(), after, scanned);
    }
    while (upper != null) {
      awaitGates(c, target);
      var result = batch.run(c, after, upper, size);
      if (result.endOfTable()) {
        break;
      }
      after = result.lastKey();
      scanned += result.rowsScanned();
      size = nextSize(size, result.elapsed());
      if (System.nanoTime() - lastLog > LOG_EVERY.toNanos()) {
        lastLog = System.nanoTime();
        double seconds = (lastLog - started) / 1e9;
        LOG.infof(
            "%s.%s: %d of ~%d rows, batch %d, %.0f rows/s",
            target.schema(),
            target.table(),
            scanned,
            estimate,
            size,
            scanned / Math.max(seconds, 0.001));
      }
      if (plan.pauseBetweenBatchesMillis() > 0) {
        Thread.sleep(plan.pauseBetweenBatchesMillis());
      }
    }
    Bookkeeping.finishBackfill(c, plan.migration(), target.operationId());
    LOG.infof(
        "%s.%s backfilled: %d rows in %.1fs",
        target.schema(), target.table(), scanned, (System.nanoTime() - started) / 1e9);
  }

  /**
   * Waits (without holding any lock) while the migration is paused, a replica lags or the database
   * is overloaded.
   */
  private void awaitGates(Connection c, BackfillTarget target)
      throws SQLException, InterruptedException {
    boolean throttled = false;
    while (true) {
      String reason = null;
      if (Bookkeeping.paused(c, plan.migration())) {
        reason = "paused (spec.paused)";
      } else {
        var lag = ReplicationLag.measure(c);
        if (lag.worst().toMillis() > plan.maxReplicationLagMillis()) {
          reason =
              String.format(
                  Locale.ROOT,
                  "replication lag %.1fs > gate %.1fs",
                  lag.worst().toMillis() / 1000.0,
                  plan.maxReplicationLagMillis() / 1000.0);
        } else {
          reason =
              DatabaseLoad.measure(c)
                  .overGates(plan.maxActiveConnections(), plan.maxLockWaits())
                  .orElse(null);
        }
      }
      if (reason == null) {
        if (throttled) {
          Bookkeeping.setThrottled(c, plan.migration(), target.operationId(), null);
          LOG.infof("resuming: gates are open again");
        }
        return;
      }
      if (!throttled) {
        LOG.infof("throttled: %s", reason);
      }
      throttled = true;
      Bookkeeping.setThrottled(c, plan.migration(), target.operationId(), reason);
      Thread.sleep(THROTTLE_RECHECK.toMillis());
    }
  }

  /** Multiplicative step toward the target duration, at most ×2 or ÷2 per batch. */
  int nextSize(int size, Duration elapsed) {
    double ratio = (double) plan.targetBatchMillis() / Math.max(1, elapsed.toMillis());
    ratio = Math.max(0.5, Math.min(2.0, ratio));
    return (int) Math.max(1, Math.min(plan.maxBatchSize(), Math.round(size * ratio)));
  }
}
