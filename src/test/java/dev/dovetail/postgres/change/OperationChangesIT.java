package dev.dovetail.postgres.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.AddCheckConstraint;
import dev.dovetail.api.v1alpha1.AddColumn;
import dev.dovetail.api.v1alpha1.AddForeignKey;
import dev.dovetail.api.v1alpha1.AddUniqueConstraint;
import dev.dovetail.api.v1alpha1.ChangeColumnType;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DropColumn;
import dev.dovetail.api.v1alpha1.DropIndex;
import dev.dovetail.api.v1alpha1.ForeignKeyReference;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RawSql;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameTable;
import dev.dovetail.api.v1alpha1.SetNotNull;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.change.DdlStep.BuildIndex;
import dev.dovetail.postgres.change.DdlStep.IndexTarget;
import dev.dovetail.testing.SchemaSnapshot;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every operation kind's SQL on a real server, stage by stage, without the operator: what each
 * stage does to writes of the old and the new application, what it refuses and with which message,
 * and that rollback (and uncontract) leave the catalog exactly as before. One database for the
 * class; each test works on a table of its own.
 */
class OperationChangesIT {
  static TestDatabase db;
  Connection c;
  String table;

  @BeforeAll
  static void database() {
    db = TestPostgres.newPrimaryDatabase();
    db.execute(
        "CREATE SCHEMA dovetail", // the operator's bookkeeping install creates it before expand
        "CREATE TABLE owners (id bigint PRIMARY KEY, name text NOT NULL)",
        "INSERT INTO owners SELECT g, 'owner-' || g FROM generate_series(1, 10) g");
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  @BeforeEach
  void connect() {
    c = db.connect();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  /** accounts-like table: id, owner_id, email (some NULL), code, score, legacy, note. */
  private List<String> accounts(String name) throws SQLException {
    table = name;
    exec(
        "CREATE TABLE %s (id bigserial PRIMARY KEY, owner_id bigint, email text, code text, score"
                .formatted(name)
            + " integer NOT NULL DEFAULT 0, legacy text NOT NULL, note text)");
    exec(
        ("INSERT INTO %s (owner_id, email, code, score, legacy, note) SELECT 1 + g %% 10, CASE"
                + " WHEN g %% 4 = 0 THEN NULL ELSE 'u' || g || '@x' END, 'c-' || g, g, 'l' || g,"
                + " 'n' || g FROM generate_series(1, 200) g")
            .formatted(name));
    exec("CREATE INDEX %s_note ON %s (note)".formatted(name, name));
    return SchemaSnapshot.of(c, name);
  }

  // --- addColumn ------------------------------------------------------------------------------

  @Test
  void addColumnWithDefaultNotNullAndCheckNeverRewritesAndRollsBack() throws Exception {
    var before = accounts("t_addcol");
    var spec = new AddColumn(table, "tier", "text");
    spec.setDefaultValue("'basic'");
    spec.setNotNull(true);
    spec.setCheck("tier <> ''");
    var change = resolve(Operation.addColumn(spec));
    long relfilenode =
        queryLong("SELECT relfilenode FROM pg_class WHERE relname = '" + table + "'");

    Steps.run(c, change, change.expand());
    assertEquals(
        relfilenode,
        queryLong("SELECT relfilenode FROM pg_class WHERE relname = '" + table + "'"),
        "no table rewrite");
    exec("INSERT INTO " + table + " (legacy) VALUES ('old app')"); // the old application
    assertEquals("basic", queryString("SELECT tier FROM " + table + " WHERE legacy = 'old app'"));
    assertThrows(
        SQLException.class,
        () -> exec("INSERT INTO " + table + " (legacy, tier) VALUES ('x', '')"));
    assertThrows(
        SQLException.class,
        () -> exec("INSERT INTO " + table + " (legacy, tier) VALUES ('x', NULL)"));

    Steps.run(c, change, change.afterBackfill());
    assertEquals(
        "YES",
        queryString(
            "SELECT CASE WHEN attnotnull THEN 'YES' END FROM pg_attribute WHERE attrelid = '"
                + table
                + "'::regclass AND attname = 'tier'"));
    assertEquals(
        0,
        queryLong(
            "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'dovetail_nn_%' AND conrelid = '"
                + table
                + "'::regclass"));
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_constraint WHERE conname = 't_addcol_tier_check' AND convalidated"));

    Steps.run(c, change, change.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table));
  }

  @Test
  void addColumnRefusesAVolatileDefaultAndAnUnknownTypeNamingTheFieldAndChangingNothing()
      throws Exception {
    var before = accounts("t_addcol_bad");
    var random = new AddColumn(table, "r", "float8");
    random.setDefaultValue("random()");
    var problems = problems(Operation.addColumn(random));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems
            .get(0)
            .startsWith("spec.operations[0].addColumn.default: the default (random()) is volatile"),
        problems.get(0));
    var uuid = new AddColumn(table, "token", "uuid");
    uuid.setDefaultValue("gen_random_uuid()");
    assertTrue(problems(Operation.addColumn(uuid)).get(0).contains("volatile"));
    var now = new AddColumn(table, "seen", "timestamptz");
    now.setDefaultValue("now()"); // stable: evaluated once, stored in the catalog
    assertEquals(List.of(), problems(Operation.addColumn(now)));
    var badType = new AddColumn(table, "x", "integr");
    assertTrue(
        problems(Operation.addColumn(badType))
            .get(0)
            .startsWith(
                "spec.operations[0].addColumn.type: ERROR: type \"integr\" does not exist"));
    var badCheck = new AddColumn(table, "x", "int");
    badCheck.setCheck("y > 0");
    assertTrue(
        problems(Operation.addColumn(badCheck))
            .get(0)
            .startsWith("spec.operations[0].addColumn.check: ERROR: column \"y\" does not exist"));
    assertEquals(before, SchemaSnapshot.of(c, table), "probing changed nothing");
  }

  // --- dropColumn -----------------------------------------------------------------------------

  @Test
  void dropColumnFillsNewRowsHidesAtContractRestoresAndCleansUp() throws Exception {
    var before = accounts("t_dropcol");
    var withoutDown = problems(Operation.dropColumn(new DropColumn(table, "legacy")));
    assertTrue(
        withoutDown
            .get(0)
            .startsWith(
                "spec.operations[0].dropColumn.down: column legacy is NOT NULL without a default"),
        withoutDown.toString());
    var spec = new DropColumn(table, "legacy");
    spec.setDown("''");
    var change = resolve(Operation.dropColumn(spec));

    Steps.run(c, change, change.expand());
    exec("INSERT INTO " + table + " (note) VALUES ('new app')"); // the new application omits legacy
    assertEquals("", queryString("SELECT legacy FROM " + table + " WHERE note = 'new app'"));
    var expanded = SchemaSnapshot.of(c, table);

    Steps.run(c, change, change.contract());
    assertFalse(columnExists("legacy"), "hidden at contract");
    exec("INSERT INTO " + table + " (note) VALUES ('after contract')");
    Steps.run(c, change, change.uncontract());
    assertEquals(expanded, SchemaSnapshot.of(c, table), "moving back restores the column");
    assertEquals(
        "l7", queryString("SELECT legacy FROM " + table + " WHERE id = 7"), "its data too");
    assertEquals("", queryString("SELECT legacy FROM " + table + " WHERE note = 'after contract'"));

    Steps.run(c, change, change.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table));

    Steps.run(c, change, change.expand());
    Steps.run(c, change, change.contract());
    Steps.run(c, change, change.cleanup());
    assertFalse(columnExists(DropColumnChange.hiddenName(change.id())));
    assertEquals(
        0,
        queryLong(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = '"
                + table
                + "'::regclass AND NOT tgisinternal"));
  }

  // --- setNotNull -----------------------------------------------------------------------------

  @Test
  void setNotNullWithAValueFillsNullsValidatesAndSetsNotNullWithoutAScan() throws Exception {
    var before = accounts("t_notnull");
    var spec = new SetNotNull(table, "email");
    spec.setValue("'unknown'");
    var change = resolve(Operation.setNotNull(spec));

    Steps.run(c, change, change.expand());
    exec("INSERT INTO " + table + " (legacy, email) VALUES ('old app', NULL)");
    assertEquals(
        "unknown", queryString("SELECT email FROM " + table + " WHERE legacy = 'old app'"));
    assertEquals(50, outOfSync(change), "existing NULLs wait for the backfill");
    backfill(change);
    assertEquals(0, outOfSync(change));
    Steps.run(c, change, change.afterBackfill());
    var validated = SchemaSnapshot.of(c, table);

    Steps.run(c, change, change.contract());
    assertEquals("YES", notNull("email"));
    exec(
        "UPDATE "
            + table
            + " SET email = NULL WHERE id = 1"); // until cleanup, NULL still becomes the value
    assertEquals("unknown", queryString("SELECT email FROM " + table + " WHERE id = 1"));
    Steps.run(c, change, change.uncontract());
    assertEquals(validated, SchemaSnapshot.of(c, table), "uncontract drops NOT NULL again");
    Steps.run(c, change, change.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table), "and rollback from there restores the table");
    Steps.run(c, change, change.expand());
    Steps.run(c, change, change.afterBackfill());
    Steps.run(c, change, change.contract());
    Steps.run(c, change, change.cleanup());
    assertThrows(
        SQLException.class, () -> exec("UPDATE " + table + " SET email = NULL WHERE id = 1"));
    assertEquals(
        0, queryLong("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'dovetail_nn_%'"));

    var again = accounts("t_notnull_rollback");
    var second = resolve(Operation.setNotNull(new SetNotNull(table, "email")));
    Steps.run(c, second, second.expand());
    Steps.run(c, second, second.rollback());
    assertEquals(again, SchemaSnapshot.of(c, table));
  }

  @Test
  void setNotNullWithoutAValueReportsTheNullRowsByKey() throws Exception {
    accounts("t_notnull_fail");
    var change = resolve(Operation.setNotNull(new SetNotNull(table, "email")));
    Steps.run(c, change, change.expand());
    assertThrows(
        SQLException.class,
        () -> exec("INSERT INTO " + table + " (legacy) VALUES ('writes NULL')"));
    var failure =
        assertThrows(StepFailure.class, () -> Steps.run(c, change, change.afterBackfill()));
    assertEquals(Reasons.CONSTRAINT_VIOLATED, failure.reason());
    assertTrue(failure.getMessage().contains("50 rows where email is NULL"), failure.getMessage());
    assertTrue(failure.getMessage().contains("e.g. keys [4, 8, 12, 16, 20]"), failure.getMessage());
    Steps.run(c, change, change.rollback());
  }

  // --- addCheckConstraint, addForeignKey ------------------------------------------------------

  @Test
  void checkConstraintIsAddedNotValidValidatedAndReportsViolatingKeys() throws Exception {
    var before = accounts("t_check");
    exec("UPDATE " + table + " SET score = -1 WHERE id IN (3, 5)");
    var change =
        resolve(
            Operation.addCheckConstraint(
                new AddCheckConstraint(table, "score_not_negative", "score >= 0")));
    Steps.run(c, change, change.expand());
    assertThrows(
        SQLException.class,
        () -> exec("INSERT INTO " + table + " (legacy, score) VALUES ('x', -5)"));
    exec("UPDATE " + table + " SET note = 'untouched rows are not checked yet' WHERE id = 4");
    var failure =
        assertThrows(StepFailure.class, () -> Steps.run(c, change, change.afterBackfill()));
    assertTrue(
        failure.getMessage().contains("2 rows where (score >= 0) IS FALSE, e.g. keys [3, 5]"),
        failure.getMessage());
    exec("UPDATE " + table + " SET score = 0 WHERE score < 0");
    Steps.run(c, change, change.afterBackfill());
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'score_not_negative' AND convalidated"));
    Steps.run(c, change, change.rollback());
    exec("UPDATE " + table + " SET score = -1 WHERE id IN (3, 5)");
    assertEquals(before, SchemaSnapshot.of(c, table));
  }

  @Test
  void foreignKeyIsAddedNotValidAndValidatedAndOrphansAreNamed() throws Exception {
    var before = accounts("t_fk");
    exec("UPDATE " + table + " SET owner_id = 99 WHERE id = 9");
    var op =
        Operation.addForeignKey(
            new AddForeignKey(
                table,
                "t_fk_owner",
                List.of("owner_id"),
                new ForeignKeyReference("owners", List.of("id"))));
    var change = resolve(op);
    assertTrue(
        change.plan("0:addForeignKey").stream()
            .anyMatch(p -> p.hazard() != null && p.hazard().contains("no index covers")),
        "the plan warns about the missing index");
    Steps.run(c, change, change.expand());
    assertThrows(
        SQLException.class,
        () -> exec("INSERT INTO " + table + " (legacy, owner_id) VALUES ('x', 1234)"));
    var failure =
        assertThrows(StepFailure.class, () -> Steps.run(c, change, change.afterBackfill()));
    assertTrue(
        failure.getMessage().contains("1 rows whose key has no row in owners, e.g. keys [9]"),
        failure.getMessage());
    exec("UPDATE " + table + " SET owner_id = 1 WHERE id = 9");
    Steps.run(c, change, change.afterBackfill());
    Steps.run(c, change, change.rollback());
    exec("UPDATE " + table + " SET owner_id = 99 WHERE id = 9");
    assertEquals(before, SchemaSnapshot.of(c, table));

    var notUnique =
        Operation.addForeignKey(
            new AddForeignKey(
                table,
                "t_fk_name",
                List.of("note"),
                new ForeignKeyReference("owners", List.of("name"))));
    assertEquals(
        List.of(
            "spec.operations[0].addForeignKey.references.columns: no primary key or unique constraint of public.owners covers exactly [name]"),
        problems(notUnique));
  }

  // --- indexes -------------------------------------------------------------------------------

  @Test
  void createIndexBuildsConcurrentlyAndRollsBack() throws Exception {
    var before = accounts("t_index");
    var spec = new CreateIndex(table, "t_index_owner_email", List.of("owner_id", "email"));
    spec.setWhere("email IS NOT NULL");
    var change = resolve(Operation.createIndex(spec));
    Steps.run(c, change, change.expand());
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_index WHERE indexrelid = 't_index_owner_email'::regclass AND indisvalid AND indisready"));
    Steps.run(c, change, change.expand()); // a repeated step (crash before recording) is harmless
    Steps.run(c, change, change.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table));
    var taken = new CreateIndex(table, "t_index_note", List.of("note"));
    assertEquals(
        List.of(
            "spec.operations[0].createIndex.name: a relation named t_index_note already exists in schema public"),
        problems(Operation.createIndex(taken)));
  }

  @Test
  void anInvalidIndexLeftByAFailedBuildIsDroppedAndRebuilt() throws Exception {
    accounts("t_invalid");
    exec("UPDATE " + table + " SET code = 'dup' WHERE id IN (1, 2)");
    assertThrows(
        SQLException.class,
        () -> exec("CREATE UNIQUE INDEX CONCURRENTLY t_invalid_code ON " + table + " (code)"));
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_index WHERE indexrelid = 't_invalid_code'::regclass AND NOT indisvalid"),
        "PostgreSQL left an INVALID index");
    exec("UPDATE " + table + " SET code = 'c-2' WHERE id = 2");
    var spec = new CreateIndex(table, "t_invalid_code", List.of("code"));
    spec.setUnique(true);
    var change = resolveRecorded(Operation.createIndex(spec), OperationStates.EXPANDING);
    Steps.run(c, change, change.expand());
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_index WHERE indexrelid = 't_invalid_code'::regclass AND indisvalid AND indisready"),
        "rebuilt, valid");
  }

  @Test
  void aFailedConcurrentBuildLeavesNoInvalidIndexAndNamesTheDuplicates() throws Exception {
    var before = accounts("t_dups");
    exec("UPDATE " + table + " SET code = 'c-1' WHERE id IN (2, 3)");
    exec("UPDATE " + table + " SET code = 'c-9' WHERE id = 10");
    var change =
        resolve(
            Operation.addUniqueConstraint(
                new AddUniqueConstraint(table, "t_dups_code_key", List.of("code"))));
    var failure = assertThrows(StepFailure.class, () -> Steps.run(c, change, change.expand()));
    assertEquals(Reasons.DUPLICATE_KEYS, failure.reason());
    assertTrue(failure.getMessage().contains("2 duplicate key value(s)"), failure.getMessage());
    assertTrue(failure.getMessage().contains("(c-1) x3"), failure.getMessage());
    assertTrue(failure.getMessage().contains("(c-9) x2"), failure.getMessage());
    assertEquals(before, SchemaSnapshot.of(c, table), "the duplicate check ran before any build");

    // Duplicates that appear after the check (a race): the build itself fails; no INVALID index
    // may stay behind.
    var build = (BuildIndex) change.expand().get(0);
    var racing =
        new BuildIndex(
            build.create(),
            new IndexTarget(
                "public", "t_dups_code_key", build.index().table(), null, Duration.ofMinutes(1)));
    var raced =
        assertThrows(StepFailure.class, () -> Steps.RUNNER.run(c, table, racing, null, null));
    assertEquals(Reasons.INDEX_BUILD_FAILED, raced.reason());
    assertTrue(
        raced.getMessage().contains("the INVALID index it left was dropped"), raced.getMessage());
    assertEquals(0, queryLong("SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
    assertEquals(before, SchemaSnapshot.of(c, table));

    exec("UPDATE " + table + " SET code = 'c-' || id");
    Steps.run(c, change, change.expand());
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_constraint WHERE conname = 't_dups_code_key' AND contype = 'u'"));
    assertThrows(
        SQLException.class,
        () -> exec("INSERT INTO " + table + " (legacy, code) VALUES ('x', 'c-1')"));
    Steps.run(c, change, change.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table));
  }

  @Test
  void dropIndexDropsConcurrentlyAtContractAndRefusesAConstraintsIndex() throws Exception {
    accounts("t_dropidx");
    assertEquals(
        List.of(
            "spec.operations[0].dropIndex.name: index t_dropidx_pkey backs constraint t_dropidx_pkey; an index that backs a constraint cannot be dropped on its own"),
        problems(Operation.dropIndex(new DropIndex("t_dropidx_pkey"))));
    var change = resolve(Operation.dropIndex(new DropIndex("t_dropidx_note")));
    assertEquals(List.of(), change.expand());
    assertTrue(
        change.plan("0:dropIndex").stream()
            .anyMatch(
                p -> p.hazard() != null && p.hazard().contains("CREATE INDEX t_dropidx_note")),
        "the plan keeps the definition");
    Steps.run(c, change, change.contract());
    assertEquals(0, queryLong("SELECT count(*) FROM pg_class WHERE relname = 't_dropidx_note'"));
  }

  @Test
  void dropIndexUncontractBuildsTheKeptDefinitionAgainOverAnInvalidLeftover() throws Exception {
    var before = accounts("t_undrop");
    exec("DROP INDEX t_undrop_note");
    exec("CREATE INDEX t_undrop_note ON t_undrop (lower(note), owner_id) WHERE score > 10");
    before = SchemaSnapshot.of(c, table);
    var op = Operation.dropIndex(new DropIndex("t_undrop_note"));
    var change = resolve(op);
    String kept = change.keptForUncontract().orElseThrow();
    Steps.run(c, change, change.contract());
    assertEquals(0, queryLong("SELECT count(*) FROM pg_class WHERE relname = 't_undrop_note'"));

    // Contracted: the catalog no longer has the index; the record alone rebuilds it.
    var contracted = resolveRecorded(op, OperationStates.CONTRACTED, kept);
    var build = assertInstanceOf(BuildIndex.class, contracted.uncontract().get(0));
    assertEquals(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_undrop_note ON public.t_undrop USING btree"
            + " (lower(note), owner_id) WHERE (score > 10)",
        build.create().sql());
    assertEquals(Duration.ofMinutes(30), build.index().timeout(), "its own timeout");
    assertEquals(List.of(), contracted.cleanup(), "nothing left to drop at cleanup");
    // An interrupted build left an INVALID index of that name: it is dropped and rebuilt.
    assertThrows(
        SQLException.class,
        () -> exec("CREATE UNIQUE INDEX CONCURRENTLY t_undrop_note ON t_undrop (owner_id)"));
    assertEquals(
        1,
        queryLong(
            "SELECT count(*) FROM pg_index i JOIN pg_class r ON r.oid = i.indexrelid WHERE"
                + " r.relname = 't_undrop_note' AND NOT i.indisvalid"));
    Steps.run(c, contracted, contracted.uncontract());
    assertEquals(before, SchemaSnapshot.of(c, table), "the index is back, valid, as it was");
    Steps.run(c, contracted, contracted.uncontract());
    assertEquals(before, SchemaSnapshot.of(c, table), "a second run (after a crash) is a no-op");

    // Removed from the spec (or Abandon) while contracted: rebuilt for undo from the record too.
    Steps.run(c, change, change.contract());
    var record =
        new OperationRecord(
            change.id(),
            io.fabric8.kubernetes.client.utils.Serialization.asJson(op),
            OperationStates.CONTRACTED,
            Instant.now(),
            Instant.now(),
            0,
            null,
            null,
            null,
            kept);
    var undo = new ChangeResolver(c).forRollback(record).orElseThrow();
    Steps.run(c, undo, undo.uncontract());
    assertEquals(before, SchemaSnapshot.of(c, table));
  }

  @Test
  void aDroppedUniqueIndexIsNotRebuiltOverDuplicatesWrittenMeanwhile() throws Exception {
    accounts("t_undrop_unique");
    exec("CREATE UNIQUE INDEX t_undrop_unique_code ON t_undrop_unique (code)");
    var before = SchemaSnapshot.of(c, table);
    var op = Operation.dropIndex(new DropIndex("t_undrop_unique_code"));
    var change = resolve(op);
    String kept = change.keptForUncontract().orElseThrow();
    Steps.run(c, change, change.contract());
    exec("INSERT INTO t_undrop_unique (legacy, code) VALUES ('new app', 'c-1')"); // a duplicate

    var contracted = resolveRecorded(op, OperationStates.CONTRACTED, kept);
    var failure =
        assertThrows(StepFailure.class, () -> Steps.run(c, contracted, contracted.uncontract()));
    assertEquals(Reasons.INDEX_BUILD_FAILED, failure.reason());
    assertTrue(failure.getMessage().contains("23505"), failure.getMessage());
    assertEquals(
        0,
        queryLong("SELECT count(*) FROM pg_class WHERE relname = 't_undrop_unique_code'"),
        "no INVALID index left behind");
    exec("DELETE FROM t_undrop_unique WHERE legacy = 'new app'");
    Steps.run(c, contracted, contracted.uncontract());
    assertEquals(before, SchemaSnapshot.of(c, table), "built once the duplicate is gone");
  }

  // --- changeColumnType ----------------------------------------------------------------------

  @Test
  void changeColumnTypeSyncsBackfillsSwapsSwapsBackAndCleansUp() throws Exception {
    accounts("t_type");
    var change =
        resolve(Operation.changeColumnType(new ChangeColumnType(table, "score", "bigint")));
    Steps.run(c, change, change.expand());
    String shadow = ChangeColumnTypeChange.shadow(change.id());
    exec("INSERT INTO " + table + " (legacy, score) VALUES ('old app', 41)");
    exec("UPDATE " + table + " SET score = 42 WHERE legacy = 'old app'");
    assertEquals(
        42, queryLong("SELECT " + shadow + " FROM " + table + " WHERE legacy = 'old app'"));
    assertEquals(200, outOfSync(change), "existing rows wait for the backfill");
    backfill(change);
    assertEquals(0, outOfSync(change));
    Steps.run(c, change, change.afterBackfill());
    var validated = SchemaSnapshot.of(c, table);

    Steps.run(c, change, change.contract());
    assertEquals(
        "bigint",
        queryString(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
                + table
                + "'::regclass AND attname = 'score'"));
    assertEquals("YES", notNull("score"));
    exec("INSERT INTO " + table + " (legacy) VALUES ('default after swap')");
    assertEquals(
        0,
        queryLong("SELECT score FROM " + table + " WHERE legacy = 'default after swap'"),
        "the default moved over");
    exec("UPDATE " + table + " SET score = 2000000000 WHERE id = 1");
    String hidden = ChangeColumnTypeChange.hidden(change.id());
    assertEquals(
        2000000000,
        queryLong("SELECT " + hidden + " FROM " + table + " WHERE id = 1"),
        "the hidden old column follows");

    Steps.run(c, change, change.uncontract());
    assertEquals(validated, SchemaSnapshot.of(c, table), "moving back swaps back exactly");
    assertEquals(
        2000000000,
        queryLong("SELECT score FROM " + table + " WHERE id = 1"),
        "with what the new application wrote");

    Steps.run(c, change, change.contract());
    Steps.run(c, change, change.cleanup());
    exec("UPDATE " + table + " SET score = 5000000000 WHERE id = 2");
    assertEquals(
        5000000000L,
        queryLong("SELECT score FROM " + table + " WHERE id = 2"),
        "the full bigint range after cleanup");
    assertFalse(columnExists(hidden));
    assertEquals(
        0,
        queryLong(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = '"
                + table
                + "'::regclass AND NOT tgisinternal"));

    var rollbackTable = accounts("t_type_rollback");
    var again = resolve(Operation.changeColumnType(new ChangeColumnType(table, "score", "bigint")));
    Steps.run(c, again, again.expand());
    backfill(again);
    Steps.run(c, again, again.afterBackfill());
    Steps.run(c, again, again.rollback());
    assertEquals(rollbackTable, SchemaSnapshot.of(c, table));
  }

  @Test
  void changeColumnTypeWithUsingAndReverseAndItsRefusals() throws Exception {
    accounts("t_type_text");
    var spec = new ChangeColumnType(table, "code", "integer");
    spec.setUsing("substr(code, 3)::integer");
    spec.setReverse("'c-' || code");
    var change = resolve(Operation.changeColumnType(spec));
    Steps.run(c, change, change.expand());
    backfill(change);
    assertEquals(0, outOfSync(change));
    assertEquals(
        17,
        queryLong(
            "SELECT "
                + ChangeColumnTypeChange.shadow(change.id())
                + " FROM "
                + table
                + " WHERE id = 17"));
    Steps.run(c, change, change.contract());
    exec("UPDATE " + table + " SET code = 777 WHERE id = 3");
    assertEquals(
        "c-777",
        queryString(
            "SELECT "
                + ChangeColumnTypeChange.hidden(change.id())
                + " FROM "
                + table
                + " WHERE id = 3"));

    var indexed = new ChangeColumnType(table, "note", "varchar(10)");
    assertTrue(
        problems(Operation.changeColumnType(indexed))
            .get(0)
            .contains("index t_type_text_note uses note"));
    var bad = new ChangeColumnType(table, "legacy", "integer");
    bad.setUsing("legacy * ");
    assertTrue(
        problems(Operation.changeColumnType(bad))
            .get(0)
            .startsWith("spec.operations[0].changeColumnType.using: ERROR: syntax error"),
        problems(Operation.changeColumnType(bad)).toString());
  }

  // --- renameTable, sql ----------------------------------------------------------------------

  @Test
  void renameTableKeepsTheOldNameWorkingThroughAnUpdatableView() throws Exception {
    var before = accounts("t_rename");
    var change = resolve(Operation.renameTable(new RenameTable(table, "t_renamed")));
    Steps.run(c, change, change.expand());
    exec("INSERT INTO t_rename (legacy) VALUES ('through the view')");
    assertEquals(
        0,
        queryLong("SELECT score FROM t_renamed WHERE legacy = 'through the view'"),
        "the table's defaults apply");
    exec("UPDATE t_rename SET note = 'updated' WHERE legacy = 'through the view'");
    assertEquals(
        "updated", queryString("SELECT note FROM t_renamed WHERE legacy = 'through the view'"));
    exec("DELETE FROM t_rename WHERE legacy = 'through the view'");
    Steps.run(c, change, change.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table));
    Steps.run(c, change, change.expand());
    var expanded = SchemaSnapshot.of(c, table, "t_renamed");
    Steps.run(c, change, change.contract());
    assertEquals(0, queryLong("SELECT count(*) FROM pg_class WHERE relname = 't_rename'"));
    exec("INSERT INTO t_renamed (legacy) VALUES ('while contracted')");

    Steps.run(c, change, change.uncontract());
    assertEquals(expanded, SchemaSnapshot.of(c, table, "t_renamed"), "the view is back as it was");
    assertEquals(
        1,
        queryLong("SELECT count(*) FROM t_rename WHERE legacy = 'while contracted'"),
        "the old name sees what was written meanwhile");
    assertEquals(List.of(), change.cleanup(), "the view is dropped at contract: nothing left");
  }

  @Test
  void rawSqlIsRefusedUnlessAllowedIsLintedAndRollsBackWithDown() throws Exception {
    var before = accounts("t_raw");
    var op =
        Operation.sql(
            new RawSql("CREATE INDEX t_raw_code ON t_raw (code)", "DROP INDEX t_raw_code"));
    var refused = new ChangeResolver(c).resolve(List.of(op), false, Map.of()).problems();
    assertEquals(1, refused.size());
    assertTrue(
        refused
            .get(0)
            .startsWith(
                "spec.operations[0].sql: raw SQL is refused unless spec.allowRawSql is true"));
    var linted = problems(op);
    assertTrue(
        linted
            .get(0)
            .startsWith(
                "spec.operations[0].sql.up: statement 1 (CREATE INDEX t_raw_code ON t_raw (code)): a plain CREATE INDEX"),
        linted.toString());
    assertTrue(linted.get(0).contains("instead, use CREATE INDEX CONCURRENTLY"), linted.get(0));

    var safe =
        resolve(
            Operation.sql(
                new RawSql(
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_raw_code ON t_raw (code);"
                        + " ALTER TABLE t_raw ADD COLUMN flag boolean; COMMENT ON COLUMN t_raw.flag IS 'x;y'",
                    "ALTER TABLE t_raw DROP COLUMN IF EXISTS flag; DROP INDEX CONCURRENTLY IF EXISTS t_raw_code")));
    assertEquals(2, safe.expand().size(), "the concurrent statement runs on its own");
    Steps.run(c, safe, safe.expand());
    assertTrue(columnExists("flag"));
    Steps.run(c, safe, safe.rollback());
    assertEquals(before, SchemaSnapshot.of(c, table));
  }

  // --- helpers -------------------------------------------------------------------------------

  private SchemaChange resolve(Operation op) throws SQLException {
    var resolution = new ChangeResolver(c).resolve(List.of(op), true, Map.of());
    assertEquals(List.of(), resolution.problems());
    return resolution.changes().get(0).change();
  }

  private SchemaChange resolveRecorded(Operation op, String state) throws SQLException {
    return resolveRecorded(op, state, null);
  }

  private SchemaChange resolveRecorded(Operation op, String state, String kept)
      throws SQLException {
    String id = ChangeResolver.idOf(op);
    var record =
        new OperationRecord(
            id,
            io.fabric8.kubernetes.client.utils.Serialization.asJson(op),
            state,
            Instant.now(),
            null,
            0,
            null,
            null,
            null,
            kept);
    var resolution = new ChangeResolver(c).resolve(List.of(op), true, Map.of(id, record));
    assertEquals(List.of(), resolution.problems());
    return resolution.changes().get(0).change();
  }

  private List<String> problems(Operation op) throws SQLException {
    var problems = new java.util.ArrayList<String>();
    dev.dovetail.postgres.change.ChangeKinds.validate(op, "spec.operations[0]", problems);
    if (!problems.isEmpty()) {
      return problems;
    }
    return new ChangeResolver(c).resolve(List.of(op), true, Map.of()).problems();
  }

  /** What the backfill Job does, in one statement: the session its triggers let through. */
  private void backfill(SchemaChange change) throws SQLException {
    var b = change.backfill().orElseThrow();
    exec("SELECT set_config('dovetail.backfill', '" + change.id() + "', false)");
    exec("UPDATE " + table + " SET " + b.assignment() + " WHERE " + b.outOfSyncPredicate());
    exec("SELECT set_config('dovetail.backfill', 'off', false)");
  }

  private long outOfSync(SchemaChange change) throws SQLException {
    return queryLong(
        "SELECT count(*) FROM "
            + table
            + " WHERE "
            + change.backfill().orElseThrow().outOfSyncPredicate());
  }

  private boolean columnExists(String column) throws SQLException {
    return queryLong(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = '"
                + table
                + "'::regclass AND attname = '"
                + column
                + "' AND NOT attisdropped")
        > 0;
  }

  private String notNull(String column) throws SQLException {
    return queryString(
        "SELECT CASE WHEN attnotnull THEN 'YES' ELSE 'NO' END FROM pg_attribute WHERE attrelid = '"
            + table
            + "'::regclass AND attname = '"
            + column
            + "'");
  }

  private void exec(String sql) throws SQLException {
    Steps.exec(c, sql);
  }

  private long queryLong(String sql) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String queryString(String sql) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
