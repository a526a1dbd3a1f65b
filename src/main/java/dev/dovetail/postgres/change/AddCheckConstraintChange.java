package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.AddCheckConstraint;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * addCheckConstraint: ADD CONSTRAINT ... CHECK ... NOT VALID at expand (a brief catalog change;
 * every write is checked from then on), VALIDATE CONSTRAINT after the backfill (a scan that lets
 * reads and writes through). Contract has nothing to remove.
 */
final class AddCheckConstraintChange implements SchemaChange {
  static final ChangeKind<AddCheckConstraint> KIND =
      new ChangeKind<>("addCheckConstraint", Operation::getAddCheckConstraint) {
        @Override
        protected List<String> identity(AddCheckConstraint s) {
          return List.of(s.getSchema(), s.getTable(), s.getName(), s.getExpression());
        }

        @Override
        protected void validate(AddCheckConstraint s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("name", s.getName());
          p.expression("expression", s.getExpression(), true);
        }

        @Override
        protected Optional<SchemaChange> resolve(AddCheckConstraint s, ResolveContext ctx)
            throws SQLException {
          var p = ctx.problems();
          Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
          if (table.isEmpty()) {
            return Optional.empty();
          }
          TableInfo t = table.get();
          if (!ctx.recorded()) {
            if (ctx.catalog().constraint(t.schema(), t.name(), s.getName()).isPresent()) {
              p.add(
                  "name",
                  "constraint "
                      + s.getName()
                      + " already exists on "
                      + t.schema()
                      + "."
                      + t.name());
            }
            ctx.probe()
                .predicateProblem(qualified(t.schema(), t.name()), s.getExpression())
                .ifPresent(m -> p.add("expression", m));
          }
          return p.any()
              ? Optional.empty()
              : Optional.of(new AddCheckConstraintChange(s, KIND.id(s), Columns.rowKey(t)));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            AddCheckConstraint s, Catalog catalog, OperationRecord record) {
          return Optional.of(new AddCheckConstraintChange(s, KIND.id(s), "ctid"));
        }
      };

  private final AddCheckConstraint spec;
  private final String id;
  private final String rowKey;

  private AddCheckConstraintChange(AddCheckConstraint spec, String id, String rowKey) {
    this.spec = spec;
    this.id = id;
    this.rowKey = rowKey;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "addCheckConstraint";
  }

  @Override
  public String describe() {
    return "addCheckConstraint %s on %s.%s"
        .formatted(spec.getName(), spec.getSchema(), spec.getTable());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  @Override
  public List<DdlStep> expand() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s) NOT VALID"
                    .formatted(lockedTable(), ident(spec.getName()), spec.getExpression()),
                Locks.ADD_NOT_VALID,
                "from now on, a write that fails the check is refused, for every application")));
  }

  @Override
  public List<DdlStep> afterBackfill() {
    String violating = "(" + spec.getExpression() + ") IS FALSE";
    return List.of(
        new InTransaction(
            List.of(
                Ddl.of(
                    "ALTER TABLE %s VALIDATE CONSTRAINT %s"
                        .formatted(lockedTable(), ident(spec.getName())),
                    Locks.VALIDATE,
                    "scans the table; fails if an existing row violates the check")),
            Violations.rows(lockedTable(), rowKey, violating, "rows where " + violating),
            Triggers.VALIDATE_TIMEOUT));
  }

  @Override
  public List<DdlStep> contract() {
    return List.of();
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s"
                    .formatted(lockedTable(), ident(spec.getName())),
                Locks.DROP_CONSTRAINT)));
  }
}
