package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.IndexMethod;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.BuildIndex;
import dev.dovetail.postgres.change.DdlStep.IndexTarget;
import dev.dovetail.postgres.change.DdlStep.OutsideTransaction;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * createIndex: CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS at expand, outside a transaction,
 * with the intent recorded first; an INVALID leftover of a failed build is dropped and rebuilt, and
 * indisvalid/indisready are checked after. Rollback drops it concurrently.
 */
final class CreateIndexChange implements SchemaChange {
  static final ChangeKind<CreateIndex> KIND =
      new ChangeKind<>("createIndex", Operation::getCreateIndex) {
        @Override
        protected List<String> identity(CreateIndex s) {
          return List.of(
              s.getSchema(),
              s.getTable(),
              s.getName(),
              String.join(",", s.getColumns()),
              String.valueOf(s.isUnique()),
              String.valueOf(s.getWhere()),
              String.valueOf(s.getMethod()));
        }

        @Override
        protected void validate(CreateIndex s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("name", s.getName());
          p.identifiers("columns", s.getColumns());
          p.expression("where", s.getWhere(), false);
          p.duration("timeout", s.getTimeout());
          if (s.isUnique() && s.getMethod() != null && s.getMethod() != IndexMethod.btree) {
            p.add("unique", "only btree indexes can be unique (method is " + s.getMethod() + ")");
          }
        }

        @Override
        protected Optional<SchemaChange> resolve(CreateIndex s, ResolveContext ctx)
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
            if (s.getWhere() != null && !p.any()) {
              ctx.probe()
                  .predicateProblem(qualified(t.schema(), t.name()), s.getWhere())
                  .ifPresent(m -> p.add("where", m));
            }
          }
          return p.any() ? Optional.empty() : Optional.of(new CreateIndexChange(s, KIND.id(s)));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            CreateIndex s, Catalog catalog, OperationRecord record) {
          return Optional.of(new CreateIndexChange(s, KIND.id(s)));
        }
      };

  private final CreateIndex spec;
  private final String id;

  private CreateIndexChange(CreateIndex spec, String id) {
    this.spec = spec;
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "createIndex";
  }

  @Override
  public String describe() {
    return "createIndex %s on %s.%s".formatted(spec.getName(), spec.getSchema(), spec.getTable());
  }

  @Override
  public Optional<SpaceNeed> spaceNeed() {
    boolean btree = spec.getMethod() == null || spec.getMethod() == IndexMethod.btree;
    return btree
        ? Optional.of(SpaceNeed.index(lockedTable(), spec.getColumns(), spec.getWhere() != null))
        : Optional.empty();
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private Duration timeout() {
    return Durations.parse(spec.getTimeout());
  }

  private String index() {
    return qualified(spec.getSchema(), spec.getName());
  }

  @Override
  public List<DdlStep> expand() {
    String columns = Columns.quoted(spec.getColumns());
    String sql =
        "CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s USING %s (%s)%s"
            .formatted(
                spec.isUnique() ? "UNIQUE " : "",
                ident(spec.getName()),
                lockedTable(),
                (spec.getMethod() == null ? IndexMethod.btree : spec.getMethod()).name(),
                columns,
                spec.getWhere() == null ? "" : " WHERE " + spec.getWhere());
    Violations duplicates =
        spec.isUnique()
            ? Violations.duplicates(
                lockedTable(), columns, Columns.allNotNull(spec.getColumns()), spec.getWhere())
            : null;
    return List.of(
        new BuildIndex(
            Ddl.of(
                sql,
                Locks.CREATE_INDEX_CONCURRENTLY,
                "reads the whole table twice (I/O, WAL); waits up to "
                    + spec.getTimeout()
                    + " for older transactions"
                    + (spec.isUnique() ? "; a duplicate makes it fail (checked first)" : "")),
            new IndexTarget(
                spec.getSchema(), spec.getName(), lockedTable(), duplicates, timeout())));
  }

  @Override
  public List<DdlStep> contract() {
    return List.of();
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(
        new OutsideTransaction(
            Ddl.of("DROP INDEX CONCURRENTLY IF EXISTS " + index(), Locks.DROP_INDEX_CONCURRENTLY),
            timeout()));
  }
}
