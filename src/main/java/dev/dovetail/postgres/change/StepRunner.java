package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.DdlRunner;
import dev.dovetail.postgres.DdlRunner.TransactionBody;
import dev.dovetail.postgres.IndexInfo;
import dev.dovetail.postgres.LockBusyException;
import dev.dovetail.postgres.Sql;
import dev.dovetail.postgres.change.DdlStep.BuildIndex;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import dev.dovetail.postgres.change.DdlStep.IndexTarget;
import dev.dovetail.postgres.change.DdlStep.OutsideTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs one {@link DdlStep} and records it. A transactional step commits its statements and the
 * bookkeeping row together; a step that must run outside a transaction first commits its intent,
 * then runs, then records that it is done, and is safe to run again after a crash in between.
 */
public final class StepRunner {
  private static final Logger LOG = Logger.getLogger(StepRunner.class);

  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private final int maxAttempts;

  public StepRunner(Duration lockTimeout, Duration statementTimeout, int maxAttempts) {
    this.lockTimeout = lockTimeout;
    this.statementTimeout = statementTimeout;
    this.maxAttempts = maxAttempts;
  }

  /**
   * @param intent records that the step is about to run (for steps outside a transaction)
   * @param done records the step as done; for a transactional step, in its transaction
   */
  public void run(
      Connection c, String lockedTable, DdlStep step, TransactionBody intent, TransactionBody done)
      throws SQLException, LockBusyException, StepFailure {
    if (step instanceof InTransaction t) {
      inTransaction(c, lockedTable, t, done);
      return;
    }
    committed(c, intent);
    if (step instanceof BuildIndex b) {
      buildIndex(c, b);
    } else {
      var o = (OutsideTransaction) step;
      runner(o.timeout(), o.timeout()).runOutsideTransaction(c, lockedTable, o.statement().sql());
    }
    committed(c, done);
  }

  private void inTransaction(
      Connection c, String lockedTable, InTransaction t, TransactionBody done)
      throws SQLException, LockBusyException, StepFailure {
    var runner =
        runner(lockTimeout, t.statementTimeout() != null ? t.statementTimeout() : statementTimeout);
    List<String> sql = t.statements().stream().map(Ddl::sql).toList();
    try {
      runner.run(c, lockedTable, sql, done);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        throw new StepFailure(Reasons.CONSTRAINT_VIOLATED, explain(c, e, t.violations()));
      }
      if (failedStatement(e)) {
        throw new StepFailure(
            Reasons.DDL_FAILED, "SQLSTATE " + e.getSQLState() + ": " + firstLine(e));
      }
      throw e;
    }
  }

  private void buildIndex(Connection c, BuildIndex b)
      throws SQLException, LockBusyException, StepFailure {
    IndexTarget index = b.index();
    var catalog = new Catalog(c);
    Optional<IndexInfo> existing = catalog.index(index.schema(), index.name());
    if (existing.isPresent() && existing.get().valid() && existing.get().ready()) {
      return; // built by a previous pass that crashed before recording it
    }
    if (existing.isPresent()) {
      LOG.infof("dropping INVALID index %s left by an interrupted build", existing.get().name());
      dropIndex(c, index);
    }
    if (index.duplicates() != null) {
      var found = count(c, index.duplicates());
      if (found.count() > 0) {
        throw new StepFailure(Reasons.DUPLICATE_KEYS, duplicatesMessage(index, found));
      }
    }
    var runner = runner(index.timeout(), index.timeout());
    try {
      runner.runOutsideTransaction(c, index.table(), b.create().sql());
    } catch (SQLException e) {
      boolean leftover = catalog.index(index.schema(), index.name()).isPresent();
      if (leftover) {
        dropIndex(c, index); // never leave an INVALID index behind
      }
      if ("23505".equals(e.getSQLState()) && index.duplicates() != null) {
        throw new StepFailure(
            Reasons.DUPLICATE_KEYS, duplicatesMessage(index, count(c, index.duplicates())));
      }
      if (failedStatement(e)) {
        throw new StepFailure(
            Reasons.INDEX_BUILD_FAILED,
            "CREATE INDEX CONCURRENTLY "
                + index.name()
                + " failed (SQLSTATE "
                + e.getSQLState()
                + ": "
                + firstLine(e)
                + ")"
                + (leftover ? "; the INVALID index it left was dropped" : ""));
      }
      throw e;
    } catch (LockBusyException e) {
      if (catalog.index(index.schema(), index.name()).isPresent()) {
        dropIndex(c, index);
      }
      throw e;
    }
    var built = catalog.index(index.schema(), index.name());
    if (built.isEmpty() || !built.get().valid() || !built.get().ready()) {
      if (built.isPresent()) {
        dropIndex(c, index);
      }
      throw new StepFailure(
          Reasons.INDEX_BUILD_FAILED,
          "index "
              + index.name()
              + " was built but is not valid and ready (indisvalid/indisready); it was dropped and"
              + " will be rebuilt");
    }
  }

  private void dropIndex(Connection c, IndexTarget index) throws SQLException, LockBusyException {
    runner(index.timeout(), index.timeout())
        .runOutsideTransaction(
            c,
            index.table(),
            "DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(index.schema(), index.name()));
  }

  private static String duplicatesMessage(IndexTarget index, Count found) {
    return ("%s: %d duplicate key value(s) in %s, e.g. %s; remove the duplicates (or revert the"
            + " operation), and the build is retried")
        .formatted(index.name(), found.count(), index.table(), found.samples());
  }

  private static String explain(Connection c, SQLException e, Violations violations)
      throws SQLException {
    if (violations == null) {
      return firstLine(e);
    }
    Count found = count(c, violations);
    return "%s: %d %s, e.g. keys %s"
        .formatted(firstLine(e), found.count(), violations.what(), found.samples());
  }

  private record Count(long count, List<String> samples) {}

  private static Count count(Connection c, Violations v) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery(v.sql())) {
      rs.next();
      return new Count(rs.getLong(1), Arrays.asList((String[]) rs.getArray(2).getArray()));
    }
  }

  /**
   * A statement PostgreSQL refused (syntax, object state, data), as opposed to a lost connection.
   */
  private static boolean failedStatement(SQLException e) {
    String state = e.getSQLState();
    return state != null && !state.startsWith("08") && !state.startsWith("57P");
  }

  private static void committed(Connection c, TransactionBody body) throws SQLException {
    if (body == null) {
      return;
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      body.run(c);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private DdlRunner runner(Duration lock, Duration statement) {
    return new DdlRunner(lock, statement, maxAttempts);
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
