package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RawSql;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import dev.dovetail.postgres.change.DdlStep.OutsideTransaction;
import dev.dovetail.postgres.lint.RawSqlLinter;
import dev.dovetail.postgres.lint.SqlText;
import dev.dovetail.postgres.lint.SqlText.Statement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * sql: the escape hatch, refused unless spec.allowRawSql is true. Statements of {@code up} (and
 * {@code down}) run in one transaction under the DDL lock_timeout; those PostgreSQL refuses inside
 * a transaction (CREATE/DROP INDEX CONCURRENTLY) run on their own. Every statement is linted first
 * (see {@link RawSqlLinter}); a refused one names itself and the safe alternative.
 */
final class RawSqlChange implements SchemaChange {
  static final Duration OUTSIDE_TRANSACTION_TIMEOUT = Duration.ofHours(2);

  static final ChangeKind<RawSql> KIND =
      new ChangeKind<>("sql", Operation::getSql) {
        @Override
        protected List<String> identity(RawSql s) {
          return List.of(String.valueOf(s.getUp()), String.valueOf(s.getDown()));
        }

        @Override
        protected void validate(RawSql s, SpecProblems p) {
          script("up", s.getUp(), p);
          script("down", s.getDown(), p);
        }

        private void script(String field, String sql, SpecProblems p) {
          if (sql == null || sql.isBlank()) {
            p.add(field, "required");
            return;
          }
          try {
            if (SqlText.statements(sql).isEmpty()) {
              p.add(field, "has no statement");
            }
          } catch (IllegalArgumentException e) {
            p.add(field, e.getMessage());
          }
        }

        @Override
        protected Optional<SchemaChange> resolve(RawSql s, ResolveContext ctx) throws SQLException {
          var p = ctx.problems();
          if (!ctx.allowRawSql()) {
            p.add(
                "",
                "raw SQL is refused unless spec.allowRawSql is true (prefer a declarative"
                    + " operation: it knows its locks, backfill and rollback)");
            return Optional.empty();
          }
          var proven = ctx.catalog().provenNotNull();
          var scripts = new ArrayList<>(ctx.earlierRawSql());
          scripts.add(s.getUp());
          var up = RawSqlLinter.lintInOrder(scripts, proven);
          up.get(up.size() - 1).forEach(f -> p.add("up", f.describe()));
          RawSqlLinter.lint(s.getDown(), proven).forEach(f -> p.add("down", f.describe()));
          return p.any() ? Optional.empty() : Optional.of(new RawSqlChange(s, KIND.id(s)));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            RawSql s, Catalog catalog, OperationRecord record) {
          return Optional.of(new RawSqlChange(s, KIND.id(s)));
        }
      };

  private final RawSql spec;
  private final String id;

  private RawSqlChange(RawSql spec, String id) {
    this.spec = spec;
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "sql";
  }

  @Override
  public String describe() {
    var first = SqlText.statements(spec.getUp());
    return "sql (" + (first.isEmpty() ? "" : first.get(0).abbreviated()) + ")";
  }

  /** The first table up alters or indexes: whose lock holders a lock timeout names. */
  @Override
  public String lockedTable() {
    return RawSqlLinter.firstTable(spec.getUp())
        .map(t -> dev.dovetail.postgres.Sql.qualified(t[0], t[1]))
        .orElse(null);
  }

  /**
   * Consecutive statements share a transaction; a statement that cannot run in one gets its own
   * step.
   */
  static List<DdlStep> steps(String script) {
    var steps = new ArrayList<DdlStep>();
    var batch = new ArrayList<Ddl>();
    for (Statement s : SqlText.statements(script)) {
      if (RawSqlLinter.needsOwnTransaction(s)) {
        if (!batch.isEmpty()) {
          steps.add(InTransaction.of(batch));
          batch = new ArrayList<>();
        }
        steps.add(new OutsideTransaction(Ddl.of(s.text(), Locks.RAW), OUTSIDE_TRANSACTION_TIMEOUT));
      } else {
        batch.add(Ddl.of(s.text(), Locks.RAW));
      }
    }
    if (!batch.isEmpty()) {
      steps.add(InTransaction.of(batch));
    }
    return steps;
  }

  @Override
  public List<DdlStep> expand() {
    return steps(spec.getUp());
  }

  @Override
  public List<DdlStep> contract() {
    return List.of();
  }

  @Override
  public List<DdlStep> rollback() {
    return steps(spec.getDown());
  }
}
