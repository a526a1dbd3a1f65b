package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import java.time.Duration;

/**
 * Names and statements shared by the kinds that keep columns in sync with a BEFORE row trigger.
 * Names carry the operation id, so they never collide and rollback finds exactly its own.
 */
final class Triggers {
  /** VALIDATE CONSTRAINT scans the table but lets reads and writes through; give it time. */
  static final Duration VALIDATE_TIMEOUT = Duration.ofHours(6);

  private Triggers() {}

  static String function(String id) {
    return qualified("dovetail", "sync_" + id);
  }

  static String trigger(String id) {
    return ident("dovetail_sync_" + id);
  }

  static Ddl createFunction(String id, String body) {
    return Ddl.of(
        "CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $dovetail$\n%s\n$dovetail$"
            .formatted(function(id), body),
        Locks.NONE);
  }

  static Ddl createTrigger(String id, String table, String events) {
    return Ddl.of(
        "CREATE TRIGGER %s BEFORE %s ON %s FOR EACH ROW EXECUTE FUNCTION %s()"
            .formatted(trigger(id), events, table, function(id)),
        Locks.CREATE_TRIGGER,
        "every insert and update of the table runs the sync function until contract");
  }

  static Ddl dropTrigger(String id, String table) {
    return Ddl.of(
        "DROP TRIGGER IF EXISTS %s ON %s".formatted(trigger(id), table), Locks.DROP_TRIGGER);
  }

  static Ddl dropFunction(String id) {
    return Ddl.of("DROP FUNCTION IF EXISTS %s()".formatted(function(id)), Locks.NONE);
  }

  /**
   * The backfill batches of this operation write the converted value themselves: the trigger lets
   * them through. Batches of another operation on the same table still fire it, so that its own
   * columns (and NOT VALID checks on them) stay right. The id is hexadecimal: safe as a literal.
   */
  static String skipBackfill(String id) {
    return """
          IF current_setting('dovetail.backfill', true) = '%s' THEN
            RETURN NEW;
          END IF;"""
        .formatted(id);
  }
}
