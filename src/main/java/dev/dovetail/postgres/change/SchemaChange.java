package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.PlannedStatement;
import dev.dovetail.postgres.BackfillTarget;
import java.util.List;
import java.util.Optional;

/**
 * One operation of a DatabaseMigration, resolved against the live catalog. Every kind knows its own
 * expand DDL (additive, with sync triggers), backfill, post-backfill DDL, contract DDL and the DDL
 * that undoes its expansion. Statements of one step run in one transaction under a short
 * lock_timeout (see {@link dev.dovetail.postgres.DdlRunner}).
 */
public interface SchemaChange {

  /** Stable identity of the operation's spec, independent of its position in the list. */
  String id();

  /** The operation kind as written in YAML, e.g. renameColumn. */
  String kind();

  /** One line for people, e.g. renameColumn public.users.user_name → username. */
  String describe();

  /** The quoted, qualified table whose locks the DDL takes, for naming blockers. */
  String lockedTable();

  /** Additive DDL: new columns, sync functions and triggers, NOT VALID constraints. */
  List<String> expandStatements();

  /** What the backfill Job must bring in sync, if anything. */
  Optional<BackfillTarget> backfill();

  /** DDL that needs the backfill done first (VALIDATE CONSTRAINT); may be empty. */
  List<String> afterBackfillStatements();

  /** Removes the old side: the expansion becomes the only schema. */
  List<String> contractStatements();

  /** Undoes the expansion; the table ends as it was before expand. */
  List<String> rollbackStatements();

  /** Every statement above, labelled with its step and the lock it takes, for status.plan. */
  List<PlannedStatement> plan(String label);
}
