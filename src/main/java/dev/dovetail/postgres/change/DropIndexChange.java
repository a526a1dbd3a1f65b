package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.DropIndex;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.IndexInfo;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.change.DdlStep.OutsideTransaction;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * dropIndex: expand changes nothing (the old application may still rely on the index); contract
 * runs DROP INDEX CONCURRENTLY, which waits for queries using it but blocks no one. The plan shows
 * the index definition, the way to recreate it.
 */
final class DropIndexChange implements SchemaChange {
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  static final ChangeKind<DropIndex> KIND =
      new ChangeKind<>("dropIndex", Operation::getDropIndex) {
        @Override
        protected List<String> identity(DropIndex s) {
          return List.of(s.getSchema(), s.getName());
        }

        @Override
        protected void validate(DropIndex s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("name", s.getName());
        }

        @Override
        protected Optional<SchemaChange> resolve(DropIndex s, ResolveContext ctx)
            throws SQLException {
          var p = ctx.problems();
          Optional<IndexInfo> index = ctx.catalog().index(s.getSchema(), s.getName());
          if (index.isEmpty()) {
            if (OperationStates.CONTRACTING.equals(ctx.state())) {
              return Optional.of(new DropIndexChange(s, KIND.id(s), null, "(already dropped)"));
            }
            p.add("name", "index " + s.getSchema() + "." + s.getName() + " does not exist");
            return Optional.empty();
          }
          if (index.get().constraint() != null) {
            p.add(
                "name",
                "index "
                    + s.getName()
                    + " backs constraint "
                    + index.get().constraint()
                    + "; an index that backs a constraint cannot be dropped on its own");
            return Optional.empty();
          }
          return Optional.of(
              new DropIndexChange(s, KIND.id(s), index.get().table(), index.get().definition()));
        }

        @Override
        protected Optional<SchemaChange> forUndo(DropIndex s, Catalog catalog) {
          return Optional.of(new DropIndexChange(s, KIND.id(s), null, null));
        }

        @Override
        protected boolean reversibleContract() {
          return false; // contract drops the index; its definition is not kept
        }
      };

  private final DropIndex spec;
  private final String id;
  private final String table;
  private final String definition;

  private DropIndexChange(DropIndex spec, String id, String table, String definition) {
    this.spec = spec;
    this.id = id;
    this.table = table;
    this.definition = definition;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "dropIndex";
  }

  @Override
  public String describe() {
    return "dropIndex %s.%s".formatted(spec.getSchema(), spec.getName());
  }

  @Override
  public String lockedTable() {
    return table;
  }

  @Override
  public List<DdlStep> expand() {
    return List.of();
  }

  @Override
  public List<DdlStep> contract() {
    return List.of(
        new OutsideTransaction(
            Ddl.of(
                "DROP INDEX CONCURRENTLY IF EXISTS " + qualified(spec.getSchema(), spec.getName()),
                Locks.DROP_INDEX_CONCURRENTLY,
                "irreversible: queries that used it get slower; it was: " + definition),
            TIMEOUT));
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(); // expand did nothing
  }
}
