package dev.dovetail.postgres.change;

import java.time.Duration;
import java.util.List;

/**
 * One unit of work of a stage (expand, validate, contract, ...): what one reconcile pass runs. The
 * operator records in the database which steps of which stage are done, so a crash between steps
 * never repeats or skips one.
 */
public sealed interface DdlStep {

  /** The statements of the step, for the plan. */
  List<Ddl> statements();

  /**
   * Statements that run in one transaction under a short lock_timeout, retried with backoff; the
   * bookkeeping row commits in the same transaction.
   *
   * @param violations when a statement fails on a constraint, the query that names the offending
   *     rows; null when not applicable
   * @param statementTimeout null for the spec's DDL statement_timeout; longer for a VALIDATE scan
   */
  record InTransaction(List<Ddl> statements, Violations violations, Duration statementTimeout)
      implements DdlStep {
    static InTransaction of(Ddl... statements) {
      return new InTransaction(List.of(statements), null, null);
    }

    static InTransaction of(List<Ddl> statements) {
      return new InTransaction(List.copyOf(statements), null, null);
    }
  }

  /**
   * CREATE [UNIQUE] INDEX CONCURRENTLY ... IF NOT EXISTS, outside any transaction. Intent is
   * recorded first; an INVALID index of that name (a failed or interrupted build) is dropped and
   * the build retried; indisvalid and indisready are checked after. A unique build looks for
   * duplicates first and reports them by key.
   */
  record BuildIndex(Ddl create, IndexTarget index) implements DdlStep {
    public List<Ddl> statements() {
      return List.of(create);
    }
  }

  /** One statement that cannot run in a transaction block (DROP INDEX CONCURRENTLY); idempotent. */
  record OutsideTransaction(Ddl statement, Duration timeout) implements DdlStep {
    public List<Ddl> statements() {
      return List.of(statement);
    }
  }

  /**
   * The index a {@link BuildIndex} creates.
   *
   * @param table quoted, qualified table
   * @param duplicates for a unique index, the duplicate-key query; null otherwise
   * @param timeout statement_timeout and lock_timeout of the build: it waits for every older
   *     transaction, without blocking reads or writes meanwhile
   */
  record IndexTarget(
      String schema, String name, String table, Violations duplicates, Duration timeout) {}
}
