package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.DropIndex;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.IndexInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.change.DdlStep.BuildIndex;
import dev.dovetail.postgres.change.DdlStep.IndexTarget;
import dev.dovetail.postgres.change.DdlStep.OutsideTransaction;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dropIndex: expand changes nothing (the old application may still rely on the index); contract
 * runs DROP INDEX CONCURRENTLY, which waits for queries using it but blocks no one. Before it runs,
 * the index's definition (pg_get_indexdef, as the plan shows it) is kept in the operation's
 * bookkeeping row, so that until spec.cleanupAfter uncontract builds it again under the same name,
 * CONCURRENTLY and IF NOT EXISTS, with the createIndex build's checks (its own timeout, an INVALID
 * leftover dropped and rebuilt, indisvalid/indisready after) — from the record, whatever the spec
 * and the catalog say by then. Reverting thus costs an index build; the cleanup drops nothing.
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
          Optional<DroppedIndex> kept = DroppedIndex.parse(ctx.keptForUncontract());
          boolean dropped =
              OperationStates.CONTRACTED.equals(ctx.state())
                  || OperationStates.UNCONTRACTING.equals(ctx.state())
                  || (OperationStates.CONTRACTING.equals(ctx.state()) && index.isEmpty());
          if (dropped) {
            // The catalog no longer has it (or has it half rebuilt): the record is the truth.
            return Optional.of(new DropIndexChange(s, KIND.id(s), kept.orElse(null)));
          }
          if (index.isEmpty()) {
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
              new DropIndexChange(
                  s, KIND.id(s), new DroppedIndex(index.get().table(), index.get().definition())));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            DropIndex s, Catalog catalog, OperationRecord record) {
          var kept = DroppedIndex.parse(record == null ? null : record.keptForUncontract());
          return Optional.of(new DropIndexChange(s, KIND.id(s), kept.orElse(null)));
        }

        /** Contracted by a Dovetail that did not keep the definition: nothing to rebuild from. */
        @Override
        protected boolean reversibleContract(OperationRecord record) {
          return DroppedIndex.parse(record.keptForUncontract()).isPresent();
        }
      };

  /**
   * The index contract drops, as kept for uncontract.
   *
   * @param table quoted, qualified table it is on
   * @param definition pg_get_indexdef: {@code CREATE [UNIQUE] INDEX name ON table USING ...}
   */
  record DroppedIndex(String table, String definition) {
    private static final Pattern CREATE = Pattern.compile("^CREATE (UNIQUE )?INDEX ");

    static Optional<DroppedIndex> parse(String json) {
      return json == null
          ? Optional.empty()
          : Optional.of(Serialization.unmarshal(json, DroppedIndex.class));
    }

    String json() {
      return Serialization.asJson(this);
    }

    /** The definition as a concurrent, idempotent build under the same name. */
    String createConcurrently() {
      Matcher m = CREATE.matcher(definition);
      if (!m.find()) {
        throw new IllegalStateException("not an index definition: " + definition);
      }
      return m.replaceFirst("CREATE $1INDEX CONCURRENTLY IF NOT EXISTS ");
    }
  }

  private final DropIndex spec;
  private final String id;
  private final DroppedIndex index;

  /**
   * @param index what contract drops; null when not known (contracted by an older Dovetail, or
   *     rebuilt for a rollback before contract, which has nothing to undo)
   */
  private DropIndexChange(DropIndex spec, String id, DroppedIndex index) {
    this.spec = spec;
    this.id = id;
    this.index = index;
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
    return index == null ? null : index.table();
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
                "queries that used it get slower; its definition is kept, and reverting to Expand"
                    + " before spec.cleanupAfter builds it again: "
                    + (index == null ? "(already dropped)" : index.definition())),
            TIMEOUT));
  }

  @Override
  public Optional<String> keptForUncontract() {
    return index == null ? Optional.empty() : Optional.of(index.json());
  }

  @Override
  public List<DdlStep> uncontract() {
    if (index == null) {
      return List.of();
    }
    return List.of(
        new BuildIndex(
            Ddl.of(
                index.createConcurrently(),
                Locks.CREATE_INDEX_CONCURRENTLY,
                "reads the whole table twice (I/O, WAL); waits up to "
                    + Durations.format(TIMEOUT)
                    + " for older transactions; queries that need it stay slow until it is built"),
            new IndexTarget(spec.getSchema(), spec.getName(), index.table(), null, TIMEOUT)));
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(); // expand did nothing
  }
}
