package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.PlannedStatement;
import dev.dovetail.postgres.BackfillTarget;
import java.util.List;
import java.util.Optional;

/**
 * One operation of a DatabaseMigration, resolved against the live catalog. Every kind knows its
 * stages as lists of {@link DdlStep}s — expand (additive DDL, sync triggers, NOT VALID constraints,
 * concurrent indexes), the backfill, the steps that need the backfill done (VALIDATE),
 * verification, contract, and what undoes each — and the lock and hazard of every statement.
 *
 * <p>Rollback steps must be idempotent (IF EXISTS): they run from whatever point expand reached.
 */
public interface SchemaChange {

  /** Stable identity of the operation's spec, independent of its position in the list. */
  String id();

  /** The operation kind as written in YAML, e.g. renameColumn. */
  String kind();

  /** One line for people, e.g. renameColumn public.users.user_name → username. */
  String describe();

  /** The quoted, qualified table whose locks the DDL takes, for naming blockers; may be null. */
  String lockedTable();

  /** Additive steps; old and new application versions both work once they are done. */
  List<DdlStep> expand();

  /** What the backfill Job must bring in sync, if anything; also what verification compares. */
  default Optional<BackfillTarget> backfill() {
    return Optional.empty();
  }

  /**
   * What drives the disk space expand writes, for the pre-check estimate: by default a backfill (a
   * new version of every row); kinds that build an index say so.
   */
  default Optional<SpaceNeed> spaceNeed() {
    return backfill().isPresent() && lockedTable() != null
        ? Optional.of(SpaceNeed.rowVersions(lockedTable()))
        : Optional.empty();
  }

  /** Steps that need the backfill done first (VALIDATE CONSTRAINT); may be empty. */
  default List<DdlStep> afterBackfill() {
    return List.of();
  }

  /** Removes (or hides) the old side: the expansion becomes the schema. */
  List<DdlStep> contract();

  /**
   * Undoes the contract while {@link #cleanup()} has not run: brings back what contract hid, or
   * builds again what it dropped (from {@link #keptForUncontract()}); empty for kinds whose
   * contract changes nothing.
   */
  default List<DdlStep> uncontract() {
    return List.of();
  }

  /**
   * What contract drops that {@link #uncontract()} needs and nothing else keeps (JSON), written to
   * the operation's bookkeeping row before the contract runs; empty for most kinds.
   */
  default Optional<String> keptForUncontract() {
    return Optional.empty();
  }

  /** Drops what contract hid, once spec.cleanupAfter has passed; after it nothing can be undone. */
  default List<DdlStep> cleanup() {
    return List.of();
  }

  /** Undoes expand (and validation): the table ends as it was. Idempotent. */
  List<DdlStep> rollback();

  /** Every statement above, labelled with its stage, lock and hazard, for status.plan. */
  default List<PlannedStatement> plan(String label) {
    return Plans.of(this, label);
  }
}
