package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.AddCheckConstraint;
import dev.dovetail.api.v1alpha1.AddColumn;
import dev.dovetail.api.v1alpha1.AddForeignKey;
import dev.dovetail.api.v1alpha1.AddUniqueConstraint;
import dev.dovetail.api.v1alpha1.ChangeColumnType;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DropColumn;
import dev.dovetail.api.v1alpha1.DropIndex;
import dev.dovetail.api.v1alpha1.ForeignKeyReference;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.PlannedStatement;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.SetNotNull;
import dev.dovetail.testing.AccountsTable;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.SchemaSnapshot;
import dev.dovetail.testing.TableWorkload;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation kind through the operator, in one DatabaseMigration (several operations, one
 * unit, one status), against the real primary with its replica, while an old and a new application
 * version write: expand and contract, and rollback from each phase an operation can be in —
 * mid-backfill (Abandon), expanded (operations removed), contracted within spec.cleanupAfter (phase
 * back to Expand, then Abandon). Each ends with zero failed application statements, every write
 * present, and, after rollback, the catalog snapshot equal to the one before.
 */
class OperationsIT {
  static final long ROWS = 20_000;
  static final Duration EXPAND = Duration.ofMinutes(3);
  static KubeHarness harness;
  static TestDatabase db;

  @BeforeAll
  static void start() {
    db = TestPostgres.newPrimaryDatabase();
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));
  }

  @AfterAll
  static void stop() {
    harness.close();
    db.close();
  }

  /** One operation of each kind that changes a table in place, all on {@code table}. */
  static List<Operation> everyKind(String table) {
    var tier = new AddColumn(table, "tier", "text");
    tier.setDefaultValue("'basic'");
    tier.setNotNull(true);
    tier.setCheck("tier <> ''");
    var legacy = new DropColumn(table, "legacy");
    legacy.setDown("''");
    var email = new SetNotNull(table, "email");
    email.setValue("'unknown@example.com'");
    var ownerIndex = new CreateIndex(table, table + "_owner", List.of("owner_id"));
    ownerIndex.setWhere("owner_id IS NOT NULL");
    return List.of(
        Operation.addColumn(tier),
        Operation.dropColumn(legacy),
        Operation.setNotNull(email),
        Operation.addCheckConstraint(
            new AddCheckConstraint(table, table + "_owner_positive", "owner_id > 0")),
        Operation.addForeignKey(
            new AddForeignKey(
                table,
                table + "_owner_fk",
                List.of("owner_id"),
                new ForeignKeyReference("owners", List.of("id")))),
        Operation.createIndex(ownerIndex),
        Operation.dropIndex(new DropIndex(table + "_note")),
        Operation.addUniqueConstraint(
            new AddUniqueConstraint(table, table + "_code_key", List.of("code"))),
        Operation.changeColumnType(new ChangeColumnType(table, "score", "bigint")));
  }

  @Test
  void everyKindExpandsAndContractsUnderOldAndNewApplications() throws Exception {
    String ns = "every-kind";
    String table = "acc_contract";
    AccountsTable.create(db, table, ROWS);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    var old = AccountsTable.oldApp(db, table, ROWS).start();
    var next =
        AccountsTable.newApp(db, table, ROWS, true, "&autosave=conservative").inTransactions();
    try (old;
        next) {
      Thread.sleep(300);
      Manifests.create(
          harness.client(),
          Manifests.migration(ns, "m", "db", everyKind(table).toArray(Operation[]::new)));
      var expanded = await(ns, "m", ConditionTypes.READY, "True", Reasons.EXPANDED, EXPAND);

      var plan = expanded.getStatus().getPlan();
      var kinds = new TreeSet<String>();
      plan.forEach(p -> kinds.add(p.operation().substring(p.operation().indexOf(':') + 1)));
      assertEquals(
          new TreeSet<>(
              Set.of(
                  "addColumn",
                  "dropColumn",
                  "setNotNull",
                  "addCheckConstraint",
                  "addForeignKey",
                  "createIndex",
                  "dropIndex",
                  "addUniqueConstraint",
                  "changeColumnType")),
          kinds,
          "the plan covers every operation");
      assertTrue(plan.stream().allMatch(p -> p.lock() != null && !p.lock().isBlank()));
      assertTrue(
          plan.stream()
              .map(PlannedStatement::sql)
              .anyMatch(s -> s.startsWith("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS")),
          "the plan shows the concurrent build");

      next.start(); // the new application version rolls out; both run
      Thread.sleep(1500);
      old.stop();
      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Contract));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.CONTRACTED, Duration.ofMinutes(2));
      next.writeFrom(3_000_000_000L); // bigint now: beyond the old integer range
      Thread.sleep(1000);
      next.stop();

      System.out.printf("[OperationsIT] %s; %s%n", old.report(), next.report());
      assertEquals(List.of(), old.failures(), "old application statements failed");
      assertEquals(List.of(), next.failures(), "new application statements failed");
      assertTrue(old.statements() > 100 && next.statements() > 100, "both applications worked");
      assertEquals(List.of(), TableWorkload.lostWrites(db, table, "score", old, next));
      assertTrue(
          db.queryLong("SELECT count(*) FROM " + table + " WHERE score >= 3000000000") > 0,
          "the new application wrote values beyond the integer range");
    }
    var after = String.join("\n", SchemaSnapshot.of(db, table));
    for (String expected :
        List.of(
            "column acc_contract.tier text NOT NULL DEFAULT 'basic'::text",
            "column acc_contract.email text NOT NULL",
            "column acc_contract.score bigint NOT NULL DEFAULT 0",
            "constraint acc_contract.acc_contract_tier_check CHECK ((tier <> ''::text))",
            "constraint acc_contract.acc_contract_owner_positive CHECK ((owner_id > 0))",
            "constraint acc_contract.acc_contract_owner_fk FOREIGN KEY (owner_id) REFERENCES owners(id)",
            "constraint acc_contract.acc_contract_code_key UNIQUE (code)",
            "index CREATE INDEX acc_contract_owner ON public.acc_contract USING btree (owner_id) WHERE (owner_id IS NOT NULL)")) {
      assertTrue(
          after.contains(expected + "\n") || after.endsWith(expected), expected + " in\n" + after);
    }
    for (String gone :
        List.of(
            "legacy", "acc_contract_note", "dovetail_", "INVALID", "not validated", "trigger")) {
      assertTrue(!after.contains(gone), gone + " is gone from\n" + after);
    }
  }

  @Test
  void abandonInTheMiddleOfTheBackfillRestoresTheSchema() throws Exception {
    String ns = "abandon";
    String table = "acc_abandon";
    AccountsTable.create(db, table, ROWS);
    var before = SchemaSnapshot.of(db, table);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    try (var old = AccountsTable.oldApp(db, table, ROWS).start()) {
      var m = Manifests.migration(ns, "m", "db", everyKind(table).toArray(Operation[]::new));
      m.getSpec().getBackfill().setInitialBatchSize(200);
      m.getSpec().getBackfill().setMaxBatchSize(200);
      m.getSpec()
          .getBackfill()
          .setPauseBetweenBatches("20ms"); // a backfill long enough to interrupt
      Manifests.create(harness.client(), m);
      Awaitility.await()
          .atMost(EXPAND)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                var status = Manifests.get(harness.client(), ns, "m").getStatus();
                return status != null
                    && status.getBackfill() != null
                    && status.getBackfill().rowsDone() != null
                    && status.getBackfill().rowsDone() > 1000;
              });
      var midway = Manifests.get(harness.client(), ns, "m").getStatus();
      assertEquals("Backfilling", midway.getPhase());
      assertTrue(midway.getBackfill().rowsDone() < 2 * ROWS, "interrupted before the end");
      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Abandon));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.ABANDONED, Duration.ofMinutes(1));
      Thread.sleep(300); // the old application keeps running after the rollback
      old.stop();
      System.out.printf(
          "[OperationsIT] abandon at %d rows: %s%n", midway.getBackfill().rowsDone(), old.report());
      assertEquals(List.of(), old.failures());
      assertEquals(List.of(), TableWorkload.lostWrites(db, table, "score", old));
    }
    assertEquals(
        before, SchemaSnapshot.of(db, table), "the schema after Abandon equals the one before");
  }

  @Test
  void removingOperationsUndoesExactlyTheirExpansionInReverseOrder() throws Exception {
    String ns = "remove";
    String table = "acc_remove";
    AccountsTable.create(db, table, ROWS);
    db.execute("CREATE TABLE anchor_remove (id bigint PRIMARY KEY)");
    var before = SchemaSnapshot.of(db, table);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    var ops = new java.util.ArrayList<Operation>();
    ops.add(Operation.addColumn(new AddColumn("anchor_remove", "nickname", "text")));
    ops.addAll(everyKind(table));
    try (var old = AccountsTable.oldApp(db, table, ROWS).start()) {
      Manifests.create(
          harness.client(), Manifests.migration(ns, "m", "db", ops.toArray(Operation[]::new)));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.EXPANDED, EXPAND);
      Manifests.editSpec(
          harness.client(),
          ns,
          "m",
          s -> s.setOperations(new java.util.ArrayList<>(s.getOperations().subList(0, 1))));
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> before.equals(SchemaSnapshot.of(db, table)));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.EXPANDED, Duration.ofMinutes(1));
      old.stop();
      System.out.printf("[OperationsIT] remove: %s%n", old.report());
      assertEquals(List.of(), old.failures());
      assertEquals(List.of(), TableWorkload.lostWrites(db, table, "score", old));
    }
    assertEquals(
        1,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'anchor_remove' AND column_name = 'nickname'"),
        "the kept operation stays expanded");
  }

  @Test
  void aContractThatHidTheOldSideIsUndoneUntilCleanup() throws Exception {
    String ns = "uncontract";
    String table = "acc_revert";
    AccountsTable.create(db, table, ROWS);
    var before = SchemaSnapshot.of(db, table);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    var legacy = new DropColumn(table, "legacy");
    legacy.setDown("''");
    var email = new SetNotNull(table, "email");
    email.setValue("'unknown@example.com'");
    var m =
        Manifests.migration(
            ns,
            "m",
            "db",
            Operation.dropColumn(legacy),
            Operation.setNotNull(email),
            Operation.changeColumnType(new ChangeColumnType(table, "score", "bigint")));
    m.getSpec().setCleanupAfter("1h");
    var old = AccountsTable.oldApp(db, table, ROWS).start();
    var next =
        AccountsTable.newApp(db, table, ROWS, false, "&autosave=conservative").inTransactions();
    var oldAgain = AccountsTable.app("old2", db, table, ROWS, 1);
    try (old;
        next;
        oldAgain) {
      Manifests.create(harness.client(), m);
      await(ns, "m", ConditionTypes.READY, "True", Reasons.EXPANDED, EXPAND);
      var expanded = SchemaSnapshot.of(db, table);
      next.start();
      Thread.sleep(1000);
      old.stop();
      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Contract));
      var contracted =
          await(
              ns,
              "m",
              ConditionTypes.READY,
              "True",
              Reasons.CLEANUP_PENDING,
              Duration.ofMinutes(2));
      assertEquals("Contracted", contracted.getStatus().getPhase());
      assertEquals(
          0,
          db.queryLong(
              "SELECT count(*) FROM information_schema.columns WHERE table_name = '"
                  + table
                  + "' AND column_name = 'legacy'"),
          "legacy is hidden");
      assertEquals(
          "bigint",
          db.queryString(
              "SELECT data_type FROM information_schema.columns WHERE table_name = '"
                  + table
                  + "' AND column_name = 'score'"));
      Thread.sleep(1000); // the new application writes while the old side is hidden

      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Expand));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.EXPANDED, Duration.ofMinutes(1));
      assertEquals(
          expanded, SchemaSnapshot.of(db, table), "moving back restored the expanded schema");
      oldAgain.start(); // the old application version can come back
      Thread.sleep(1000);
      next.stop(); // rolling back dropColumn needs the old version: new rows must carry legacy
      // again
      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Abandon));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.ABANDONED, Duration.ofMinutes(1));
      Thread.sleep(300);
      oldAgain.stop();
      System.out.printf(
          "[OperationsIT] uncontract: %s; %s; %s%n",
          old.report(), next.report(), oldAgain.report());
      for (var app : List.of(old, next, oldAgain)) {
        assertEquals(List.of(), app.failures(), app.name() + " application statements failed");
        assertTrue(app.statements() > 50, app.name() + " did work");
      }
      // every id written by exactly one of them last: old/old2 share parity, old2 ran later
      var lost = TableWorkload.lostWrites(db, table, "score", next, oldAgain);
      assertEquals(List.of(), lost);
    }
    assertEquals(
        before, SchemaSnapshot.of(db, table), "Abandon after the round trip restores the schema");
  }

  @Test
  void duplicateKeysFailTheUniqueBuildWithTheKeysAndLeaveNoInvalidIndex() throws Exception {
    String ns = "duplicates";
    String table = "acc_dups";
    AccountsTable.create(db, table, 2_000);
    db.execute(
        "UPDATE " + table + " SET code = 'dup-1' WHERE id IN (1, 2)",
        "UPDATE " + table + " SET code = 'dup-2' WHERE id IN (3, 4, 5)");
    var before = SchemaSnapshot.of(db, table);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    Manifests.create(
        harness.client(),
        Manifests.migration(
            ns,
            "m",
            "db",
            Operation.addUniqueConstraint(
                new AddUniqueConstraint(table, table + "_code_key", List.of("code")))));
    var failed =
        await(
            ns, "m", ConditionTypes.READY, "False", Reasons.DUPLICATE_KEYS, Duration.ofMinutes(1));
    String message =
        failed.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals(ConditionTypes.READY))
            .findFirst()
            .orElseThrow()
            .getMessage();
    assertTrue(
        message.startsWith("spec.operations[0] (addUniqueConstraint):")
            || message.contains("addUniqueConstraint"),
        message);
    assertTrue(message.contains("2 duplicate key value(s)"), message);
    assertTrue(message.contains("(dup-2) x3") && message.contains("(dup-1) x2"), message);
    assertEquals(
        0, db.queryLong("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "no INVALID index");
    assertEquals(before, SchemaSnapshot.of(db, table));
    Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Abandon));
    await(ns, "m", ConditionTypes.READY, "True", Reasons.ABANDONED, Duration.ofMinutes(1));
    assertEquals(before, SchemaSnapshot.of(db, table));
  }

  @Test
  void renameTableServesTheOldNameThroughAViewThenContracts() throws Exception {
    String ns = "rename-table";
    String table = "acc_rename";
    AccountsTable.create(db, table, ROWS);
    var before = SchemaSnapshot.of(db, table);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    var rename =
        Operation.renameTable(new dev.dovetail.api.v1alpha1.RenameTable(table, "acc_renamed"));
    var old = AccountsTable.oldApp(db, table, ROWS).start();
    var next = AccountsTable.app("new", db, "acc_renamed", ROWS, 0);
    var old2 = AccountsTable.app("old2", db, table, ROWS, 1);
    var next2 = AccountsTable.app("new2", db, "acc_renamed", ROWS, 0);
    try (old;
        next;
        old2;
        next2) {
      // Expand, both versions, then revert: the table gets its old name back.
      Manifests.create(harness.client(), Manifests.migration(ns, "first", "db", rename));
      await(ns, "first", ConditionTypes.READY, "True", Reasons.EXPANDED, EXPAND);
      next.start();
      Thread.sleep(1000);
      next.stop();
      Manifests.editSpec(harness.client(), ns, "first", s -> s.setPhase(MigrationPhase.Abandon));
      await(ns, "first", ConditionTypes.READY, "True", Reasons.ABANDONED, Duration.ofMinutes(1));
      Thread.sleep(300);
      old.stop();
      assertEquals(before, SchemaSnapshot.of(db, table), "rollback renamed the table back");
      assertEquals(List.of(), TableWorkload.lostWrites(db, table, "score", old, next));

      // Expand again, then contract: the old name goes away once the old version stopped.
      old2.start();
      Manifests.create(harness.client(), Manifests.migration(ns, "second", "db", rename));
      await(ns, "second", ConditionTypes.READY, "True", Reasons.EXPANDED, EXPAND);
      next2.start();
      Thread.sleep(1000);
      old2.stop();
      Manifests.editSpec(harness.client(), ns, "second", s -> s.setPhase(MigrationPhase.Contract));
      await(ns, "second", ConditionTypes.READY, "True", Reasons.CONTRACTED, Duration.ofMinutes(1));
      Thread.sleep(300);
      next2.stop();
      System.out.printf(
          "[OperationsIT] renameTable: %s; %s; %s; %s%n",
          old.report(), next.report(), old2.report(), next2.report());
      for (var app : List.of(old, next, old2, next2)) {
        assertEquals(List.of(), app.failures(), app.name() + " application statements failed");
        assertTrue(app.statements() > 50, app.name() + " did work");
      }
      assertEquals(List.of(), TableWorkload.lostWrites(db, "acc_renamed", "score", old2, next2));
    }
    assertEquals(
        0,
        db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'acc_rename'"),
        "the view is gone");
  }

  @Test
  void rawSqlIsRefusedUntilAllowedAndSafeThenRunsAndRollsBack() throws Exception {
    String ns = "raw-sql";
    String table = "acc_raw";
    AccountsTable.create(db, table, 2_000);
    var before = SchemaSnapshot.of(db, table);
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    try (var old = AccountsTable.oldApp(db, table, 2_000).start()) {
      Manifests.create(
          harness.client(),
          Manifests.migration(
              ns,
              "m",
              "db",
              Operation.sql(
                  new dev.dovetail.api.v1alpha1.RawSql(
                      "CREATE INDEX acc_raw_code ON acc_raw (code)", "DROP INDEX acc_raw_code"))));
      var refused =
          await(
              ns, "m", ConditionTypes.READY, "False", Reasons.INVALID_SPEC, Duration.ofSeconds(30));
      assertTrue(
          readyMessage(refused)
              .contains(
                  "spec.operations[0].sql: raw SQL is refused unless spec.allowRawSql is true"),
          readyMessage(refused));

      Manifests.editSpec(harness.client(), ns, "m", s -> s.setAllowRawSql(true));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  readyMessage(Manifests.get(harness.client(), ns, "m"))
                      .contains("sql.up: statement 1"));
      String linted = readyMessage(Manifests.get(harness.client(), ns, "m"));
      assertTrue(
          linted.contains(
              "spec.operations[0].sql.up: statement 1 (CREATE INDEX acc_raw_code ON acc_raw (code)): a plain CREATE INDEX holds a SHARE lock"),
          linted);
      assertTrue(linted.contains("instead, use CREATE INDEX CONCURRENTLY"), linted);
      assertEquals(before, SchemaSnapshot.of(db, table), "nothing ran");

      Manifests.editSpec(
          harness.client(),
          ns,
          "m",
          s ->
              s.getOperations()
                  .set(
                      0,
                      Operation.sql(
                          new dev.dovetail.api.v1alpha1.RawSql(
                              "CREATE INDEX CONCURRENTLY IF NOT EXISTS acc_raw_code ON acc_raw (code);"
                                  + " ALTER TABLE acc_raw ADD COLUMN flag boolean",
                              "ALTER TABLE acc_raw DROP COLUMN IF EXISTS flag;"
                                  + " DROP INDEX CONCURRENTLY IF EXISTS acc_raw_code"))));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.EXPANDED, Duration.ofMinutes(1));
      assertEquals(
          1,
          db.queryLong(
              "SELECT count(*) FROM pg_index WHERE indexrelid = 'acc_raw_code'::regclass AND indisvalid"));
      Manifests.editSpec(harness.client(), ns, "m", s -> s.setPhase(MigrationPhase.Abandon));
      await(ns, "m", ConditionTypes.READY, "True", Reasons.ABANDONED, Duration.ofMinutes(1));
      old.stop();
      assertEquals(List.of(), old.failures());
    }
    assertEquals(before, SchemaSnapshot.of(db, table), "down undid up");
  }

  private static String readyMessage(DatabaseMigration m) {
    if (m == null || m.getStatus() == null) {
      return "";
    }
    return m.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(ConditionTypes.READY))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse("");
  }

  private static DatabaseMigration await(
      String ns, String name, String type, String status, String reason, Duration timeout) {
    return awaitCondition(
        harness.client(), DatabaseMigration.class, ns, name, type, status, reason, timeout);
  }
}
