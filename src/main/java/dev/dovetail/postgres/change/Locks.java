package dev.dovetail.postgres.change;

/** Human descriptions of the locks our statements take, shown in the plan. */
final class Locks {
  static final String ADD_COLUMN = "ACCESS EXCLUSIVE, catalog only (no rewrite): brief";
  static final String NONE = "none on user tables";
  static final String CREATE_TRIGGER = "SHARE ROW EXCLUSIVE: brief";
  static final String DROP_TRIGGER = "ACCESS EXCLUSIVE: brief";
  static final String ADD_NOT_VALID = "ACCESS EXCLUSIVE, no scan (NOT VALID): brief";
  static final String ADD_FOREIGN_KEY_NOT_VALID =
      "SHARE ROW EXCLUSIVE on both tables, no scan (NOT VALID): brief";
  static final String VALIDATE =
      "SHARE UPDATE EXCLUSIVE: reads and writes continue during the scan";
  static final String SET_NOT_NULL = "ACCESS EXCLUSIVE, no scan (validated CHECK proves it): brief";
  static final String SET_DEFAULT = "ACCESS EXCLUSIVE, catalog only: brief";
  static final String DROP_COLUMN = "ACCESS EXCLUSIVE, catalog only: brief";
  static final String DROP_CONSTRAINT = "ACCESS EXCLUSIVE, catalog only: brief";
  static final String RENAME = "ACCESS EXCLUSIVE, catalog only: brief";
  static final String GRANT = "catalog only, under the transaction's ACCESS EXCLUSIVE: brief";
  static final String VIEW = "ACCESS EXCLUSIVE on the view, catalog only: brief";
  static final String CREATE_INDEX_CONCURRENTLY =
      "SHARE UPDATE EXCLUSIVE: reads and writes continue; waits for older transactions";
  static final String DROP_INDEX_CONCURRENTLY =
      "SHARE UPDATE EXCLUSIVE: reads and writes continue; waits for queries using the index";
  static final String ADD_CONSTRAINT_USING_INDEX =
      "ACCESS EXCLUSIVE, catalog only (the index is already built): brief";
  static final String RAW = "as the statement takes it (linted: no long exclusive lock)";
  static final String BACKFILL = "ROW EXCLUSIVE; row locks of one batch, for one batch";
  static final String VERIFY = "ACCESS SHARE (read only)";

  private Locks() {}
}
