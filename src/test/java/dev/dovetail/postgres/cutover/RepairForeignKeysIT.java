package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verification's repair with the source's foreign keys on the target, as a cutover has them
 * after the copy (added NOT VALID, so every insert the repair makes is checked). Rows deleted on
 * the target, parents and children alike, are repaired although the tables are listed child-first
 * and a parent references another missing parent of a later batch; a row whose parent is missing on
 * the source too (a key the source holds NOT VALID) is reported by key with the key's name, and any
 * other error fails the round naming table, key and constraint.
 */
class RepairForeignKeysIT {
  private static final QualifiedTable PARENT = QualifiedTable.parse("public.parent");
  private static final QualifiedTable CHILD = QualifiedTable.parse("public.child");
  private static final QualifiedTable LEGACY = QualifiedTable.parse("public.legacy");

  /** Child-first: the walk must not depend on the order the user listed the tables in. */
  private static final List<QualifiedTable> TABLES = List.of(CHILD, LEGACY, PARENT);

  private static final int CHUNK = 500;

  @Test
  void missingParentsAndChildrenAreRepairedAndAnOrphanIsReportedWithItsKey() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE TABLE parent (id bigint PRIMARY KEY, name text NOT NULL,"
              + " successor_id bigint CONSTRAINT parent_successor_fk REFERENCES parent)",
          "CREATE TABLE child (id bigint PRIMARY KEY, note text,"
              + " parent_id bigint NOT NULL CONSTRAINT child_parent_fk REFERENCES parent"
              + " ON DELETE CASCADE)",
          "CREATE TABLE legacy (id bigint PRIMARY KEY, parent_id bigint)",
          "INSERT INTO parent SELECT g, 'p' || g, NULL FROM generate_series(1, 3000) g",
          // Self-references to rows of a later repair batch: 2 -> 2998, 4 -> 2996.
          "UPDATE parent SET successor_id = 3000 - id WHERE id IN (2, 4)",
          "INSERT INTO child SELECT g, 'c' || g, 1 + g % 3000 FROM generate_series(1, 9000) g",
          // Legacy rows from before the key: 101's parent exists nowhere.
          "INSERT INTO legacy SELECT g, 2 * g - 1 FROM generate_series(1, 100) g",
          "INSERT INTO legacy VALUES (101, 99999), (102, 4)",
          "ALTER TABLE legacy ADD CONSTRAINT legacy_parent_fk FOREIGN KEY (parent_id)"
              + " REFERENCES parent NOT VALID");
      var names = CutoverNames.of("test", "rfk-" + source.name());
      PgUri src = PgUri.parse(source.uri());
      PgUri dst = PgUri.parse(target.uri());
      try (CutoverDatabase cutover = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          cutover.ensureTargetSchema(TABLES);
          cutover.ensureBookkeeping();
          cutover.ensurePublication(TABLES);
          new TableCopy(src, dst, names, 2, 5000).run(TABLES, (t, r, n) -> {});
          assertEquals(3, cutover.addForeignKeys(TABLES).size(), "the keys are on the target");
          cutover.ensureSubscription();
          awaitLag(cutover);

          // Divergence on the target: every even parent with its children (the key cascades),
          // children of remaining parents, the legacy row of an even parent and the orphan.
          target.execute(
              "DELETE FROM legacy WHERE id IN (101, 102)",
              "DELETE FROM parent WHERE id % 2 = 0",
              "DELETE FROM child WHERE id % 1000 = 8");
          assertEquals(1500, target.queryLong("SELECT count(*) FROM parent"));
          assertEquals(9000 - 4500 - 9, target.queryLong("SELECT count(*) FROM child"));
          assertEquals(100, target.queryLong("SELECT count(*) FROM legacy"));

          var compare =
              new TableCompare(src, dst, names, TableCompare.Options.of(CHUNK, true, true));
          VerificationRound first = compare.run(TABLES);
          String orphan =
              "public.legacy:101 (not repaired: foreign key legacy_parent_fk -> public.parent"
                  + " finds no referenced row on the target)";
          assertEquals(List.of(orphan), first.differingKeys(), first.toString());
          assertEquals(1, first.differing());
          assertEquals(1500 + 4509 + 1, first.missingRepaired(), first.toString());
          assertEquals(first, cutover.latestVerification().orElseThrow());

          // From the database: every row is back, equal to the source's, and the orphan is not.
          assertIdentical(source, target, "parent", "");
          assertIdentical(source, target, "child", "");
          assertIdentical(source, target, "legacy", " WHERE id <> 101");
          assertEquals(0, target.queryLong("SELECT count(*) FROM legacy WHERE id = 101"));
          assertEquals(
              2,
              target.queryLong(
                  "SELECT count(*) FROM parent WHERE id IN (2, 4) AND successor_id = 3000 - id"));

          // The next round has nothing left to repair and reports the orphan again.
          VerificationRound second = compare.run(TABLES);
          assertEquals(List.of(orphan), second.differingKeys());
          assertEquals(0, second.missingRepaired());

          // Any other error fails the round naming table, key and constraint, and inserts nothing.
          target.execute(
              "DELETE FROM child WHERE id = 10",
              "ALTER TABLE child ADD CONSTRAINT child_not_ten CHECK (id <> 10) NOT VALID");
          var failed = assertThrows(SQLException.class, () -> compare.run(TABLES));
          // The server's detail ("Failing row contains (10, c10, 11)") quotes the row: left out.
          assertEquals(
              "repairing public.child:10 on the target failed on constraint child_not_ten"
                  + " (SQLSTATE 23514): new row for relation \"child\" violates check constraint"
                  + " \"child_not_ten\"",
              failed.getMessage());
          assertNull(failed.getCause(), "the driver's exception carries the detail");
          assertEquals(
              second.round(),
              cutover.latestVerification().orElseThrow().round(),
              "the failed round is not recorded as finished");
          assertEquals(8999, target.queryLong("SELECT count(*) FROM child"));
        } finally {
          cutover.cleanup();
        }
      }
    }
  }

  private static void assertIdentical(
      TestDatabase source, TestDatabase target, String table, String where) {
    String digest =
        "SELECT count(*) || ':' || md5(string_agg(x::text, ',' ORDER BY x.id)) FROM "
            + table
            + " x"
            + where;
    assertEquals(source.queryString(digest), target.queryString(digest), table + " identical");
  }

  /** Waits until the target has applied a heartbeat written after everything else. */
  private static void awaitLag(CutoverDatabase cutover) throws Exception {
    if (!cutover.awaitApplied(false, Duration.ofMinutes(3))) {
      throw new AssertionError("replication did not catch up: " + cutover.lag().describe());
    }
  }
}
