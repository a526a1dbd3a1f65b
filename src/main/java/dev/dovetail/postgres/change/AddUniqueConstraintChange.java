package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.AddUniqueConstraint;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.BuildIndex;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import dev.dovetail.postgres.change.DdlStep.IndexTarget;
import dev.dovetail.postgres.change.DdlStep.OutsideTransaction;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * addUniqueConstraint: a duplicate check that reports the duplicate keys, a concurrent unique index
 * (with the crash-safe bookkeeping of createIndex), then ADD CONSTRAINT ... UNIQUE USING INDEX, a
 * brief catalog change. Rollback drops the constraint, then the index concurrently.
 */
final class AddUniqueConstraintChange implements SchemaChange {
  static final ChangeKind<AddUniqueConstraint> KIND =
      new ChangeKind<>("addUniqueConstraint", Operation::getAddUniqueConstraint) {
        @Override
        protected List<String> identity(AddUniqueConstraint s) {
          return List.of(
              s.getSchema(), s.getTable(), s.getName(), String.join(",", s.getColumns()));
        }

        @Override
        protected void validate(AddUniqueConstraint s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("name", s.getName());
          p.identifiers("columns", s.getColumns());
          p.duration("timeout", s.getTimeout());
        }

        @Override
        protected Optional<SchemaChange> resolve(AddUniqueConstraint s, ResolveContext ctx)
            throws SQLException {
          var p = ctx.problems();
          Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
          if (table.isEmpty()) {
            return Optional.empty();
          }
          TableInfo t = table.get();
          if (!ctx.recorded()) {
            Columns.present(t, s.getColumns(), "columns", p);
            if (ctx.catalog().relationExists(t.schema(), s.getName())) {
              p.add(
                  "name",
                  "a relation named " + s.getName() + " already exists in schema " + t.schema());
            }
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
          }
          return p.any()
              ? Optional.empty()
              : Optional.of(new AddUniqueConstraintChange(s, KIND.id(s)));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            AddUniqueConstraint s, Catalog catalog, OperationRecord record) {
          return Optional.of(new AddUniqueConstraintChange(s, KIND.id(s)));
        }
      };

  private final AddUniqueConstraint spec;
  private final String id;

  private AddUniqueConstraintChange(AddUniqueConstraint spec, String id) {
    this.spec = spec;
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "addUniqueConstraint";
  }

  @Override
  public String describe() {
    return "addUniqueConstraint %s on %s.%s"
        .formatted(spec.getName(), spec.getSchema(), spec.getTable());
  }

  @Override
  public Optional<SpaceNeed> spaceNeed() {
    return Optional.of(SpaceNeed.index(lockedTable(), spec.getColumns(), false));
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private Duration timeout() {
    return Durations.parse(spec.getTimeout());
  }

  @Override
  public List<DdlStep> expand() {
    String columns = Columns.quoted(spec.getColumns());
    return List.of(
        new BuildIndex(
            Ddl.of(
                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s)"
                    .formatted(ident(spec.getName()), lockedTable(), columns),
                Locks.CREATE_INDEX_CONCURRENTLY,
                "reads the whole table twice; preceded by a duplicate check that names the"
                    + " duplicate keys; from now on a duplicate write fails"),
            new IndexTarget(
                spec.getSchema(),
                spec.getName(),
                lockedTable(),
                Violations.duplicates(
                    lockedTable(), columns, Columns.allNotNull(spec.getColumns()), null),
                timeout())),
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s ADD CONSTRAINT %s UNIQUE USING INDEX %s"
                    .formatted(lockedTable(), ident(spec.getName()), ident(spec.getName())),
                Locks.ADD_CONSTRAINT_USING_INDEX)));
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
                Locks.DROP_CONSTRAINT,
                "drops the constraint's index with it (brief ACCESS EXCLUSIVE)")),
        new OutsideTransaction(
            Ddl.of(
                "DROP INDEX CONCURRENTLY IF EXISTS " + qualified(spec.getSchema(), spec.getName()),
                Locks.DROP_INDEX_CONCURRENTLY),
            timeout()));
  }
}
