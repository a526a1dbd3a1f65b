package dev.dovetail.worker;

import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.postgres.ChunkVerifier;
import dev.dovetail.postgres.PgUri;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * The verification Job: compares old and new sides of every target in the database, chunk by chunk,
 * and records the counts. It exits 0 whenever it could run — differences are a result for the
 * operator to read, not a crash to retry.
 */
final class VerifyWorker {
  static final String APPLICATION_NAME = "dovetail-verify";
  private static final Logger LOG = Logger.getLogger(VerifyWorker.class);

  private final PgUri database;
  private final WorkerPlan plan;
  private final String job;

  VerifyWorker(PgUri database, WorkerPlan plan, String job) {
    this.database = database;
    this.plan = plan;
    this.job = job;
  }

  int run() throws SQLException {
    try (Connection c = database.connect(APPLICATION_NAME)) {
      Bookkeeping.install(c);
      for (BackfillTarget target : plan.targets()) {
        long started = System.nanoTime();
        var result = new ChunkVerifier(target, plan.verifyChunkSize()).verify(c, job);
        Bookkeeping.recordVerification(c, plan.migration(), result);
        LOG.infof(
            "%s.%s: %d rows checked, %d missing, %d differing in %.1fs",
            target.schema(),
            target.table(),
            result.rowsChecked(),
            result.rowsMissing(),
            result.rowsDiffering(),
            (System.nanoTime() - started) / 1e9);
      }
    }
    return 0;
  }
}
