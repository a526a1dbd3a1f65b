package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The source's foreign keys on the target: added NOT VALID after the copy, not checked by
 * replication's apply (session_replication_role = replica), checked for every other write, then
 * validated; a key to a table outside the move is reported and not created; cleanup keeps them.
 */
class ForeignKeysIT {
  private static final List<QualifiedTable> TABLES =
      List.of(QualifiedTable.parse("public.parent"), QualifiedTable.parse("public.child"));

  @Test
  void keysAreAddedNotValidIgnoredByTheApplyValidatedAndKept() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE TABLE region (id int PRIMARY KEY)",
          "INSERT INTO region VALUES (1)",
          "CREATE TABLE parent (id bigint PRIMARY KEY, name text NOT NULL)",
          "CREATE TABLE child (id bigserial PRIMARY KEY,"
              + " parent_id bigint NOT NULL REFERENCES parent ON DELETE CASCADE,"
              + " region_id int CONSTRAINT child_region_fk REFERENCES region)",
          "INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g",
          "INSERT INTO child (parent_id, region_id)"
              + " SELECT 1 + g % 50, 1 FROM generate_series(1, 5000) g");
      var names = CutoverNames.of("test", "fk-" + source.name());
      try (CutoverDatabase db = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          db.ensureTargetSchema(TABLES);
          assertEquals(
              Map.of("child_parent_id_fkey", "Pending", "child_region_fk", "NotMoved"),
              states(db),
              "before the copy the target has no foreign key");
          assertEquals(0L, foreignKeysOnTarget(target), "tables are created without them");
          db.ensureBookkeeping();
          db.ensurePublication(TABLES);
          new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 1000)
              .run(TABLES, (t, r, n) -> {});
          var added = db.addForeignKeys(TABLES);
          assertEquals(
              List.of("public.child.child_parent_id_fkey -> public.parent"),
              added.stream().map(ForeignKeyState::describe).toList());
          assertEquals(List.of(), db.addForeignKeys(TABLES), "adding again adds nothing");
          db.ensureSubscription();
          await(db);
          assertEquals(
              Map.of("child_parent_id_fkey", "NotValid", "child_region_fk", "NotMoved"),
              states(db));
          assertEquals(
              "FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE NOT VALID",
              target.queryString(
                  "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                      + " WHERE conname = 'child_parent_id_fkey'"));
          assertEquals(1L, foreignKeysOnTarget(target), "the key to region is not created");

          // A plain session on the target is checked, NOT VALID or not.
          var refused =
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      target.execute("INSERT INTO child (id, parent_id) VALUES (900000, 100000)"));
          assertEquals("23503", ((SQLException) refused.getCause()).getSQLState());

          // Replication's apply is not: parent 77 (no children yet) is removed on the target only,
          // then a child of it inserted on the source still arrives.
          target.execute("DELETE FROM parent WHERE id = 77");
          source.execute("INSERT INTO child (parent_id, region_id) VALUES (77, 1)");
          await(db);
          assertEquals(
              1L,
              target.queryLong("SELECT count(*) FROM child WHERE parent_id = 77"),
              "the apply does not fire foreign-key triggers");

          // Validation finds that orphan and names the key; nothing is validated.
          var broken = assertThrows(SQLException.class, () -> db.validateForeignKeys(TABLES));
          assertTrue(
              broken.getMessage().contains("public.child.child_parent_id_fkey -> public.parent")
                  && broken.getMessage().contains("does not hold"),
              broken.getMessage());
          // What reaches status (StepFailed) names the key and the table, never the row's value.
          System.out.printf("[ForeignKeysIT] validation refused: %s%n", broken.getMessage());
          assertTrue(
              broken.getMessage().contains("violates foreign key constraint")
                  && !broken.getMessage().contains("77")
                  && !broken.getMessage().contains("Detail"),
              broken.getMessage());
          assertEquals("NotValid", states(db).get("child_parent_id_fkey"));

          target.execute("INSERT INTO parent VALUES (77, 'p77')");
          var validated = db.validateForeignKeys(TABLES);
          assertEquals(
              List.of("child_parent_id_fkey"), validated.stream().map(k -> k.name()).toList());
          assertEquals(
              Map.of("child_parent_id_fkey", "Validated", "child_region_fk", "NotMoved"),
              states(db));
          assertEquals(List.of(), db.validateForeignKeys(TABLES), "validating again does nothing");
        } finally {
          db.cleanup();
        }
        assertEquals(
            1L,
            target.queryLong(
                "SELECT count(*) FROM pg_constraint"
                    + " WHERE conname = 'child_parent_id_fkey' AND convalidated"),
            "cleanup keeps the user's foreign keys");
      }
    }
  }

  @Test
  void aKeyNotValidOnTheSourceStaysNotValidOnTheTarget() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE TABLE parent (id bigint PRIMARY KEY, name text NOT NULL)",
          "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint)",
          "INSERT INTO parent VALUES (1, 'one')",
          "INSERT INTO child VALUES (1, 1), (2, 999)",
          "ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id)"
              + " REFERENCES parent NOT VALID");
      var names = CutoverNames.of("test", "fknv-" + source.name());
      try (CutoverDatabase db = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        db.ensureTargetSchema(TABLES);
        target.execute("INSERT INTO parent VALUES (1, 'one')", "INSERT INTO child VALUES (1, 1)");
        target.execute("INSERT INTO child VALUES (2, 999)");
        db.addForeignKeys(TABLES);
        assertEquals(List.of(), db.validateForeignKeys(TABLES), "the source never validated it");
        assertEquals(Map.of("child_parent_fk", "NotValid"), states(db));
      }
    }
  }

  private static Map<String, String> states(CutoverDatabase db) throws SQLException {
    return db.foreignKeys(TABLES).stream()
        .collect(Collectors.toMap(ForeignKeyState::name, k -> k.state().name()));
  }

  private static long foreignKeysOnTarget(TestDatabase target) {
    return target.queryLong(
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
            + " AND conrelid = 'public.child'::regclass");
  }

  private static void await(CutoverDatabase db) throws Exception {
    if (!db.awaitApplied(false, Duration.ofMinutes(3))) {
      throw new AssertionError("replication did not catch up: " + db.lag().describe());
    }
  }
}
