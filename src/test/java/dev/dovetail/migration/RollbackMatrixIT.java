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
import dev.dovetail.api.v1alpha1.RawSql;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.api.v1alpha1.RenameTable;
import dev.dovetail.api.v1alpha1.SetNotNull;
import dev.dovetail.postgres.change.ChangeKinds;
import dev.dovetail.testing.AccountsTable;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.SchemaSnapshot;
import dev.dovetail.testing.StatusAssertions;
import dev.dovetail.testing.TableWorkload;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rollback matrix of issue 3: every operation kind, on its own accounts table under the old
 * application's workload, rolled back
 *
 * <ol>
 *   <li>from Expand in progress: spec.phase Abandon mid-backfill for the kinds that backfill, and
 *       as soon as the operation is recorded for the others (wherever expand got to);
 *   <li>from Expanded, by removing the operation from spec.operations (another one stays);
 *   <li>from Contracted, by setting spec.phase back to Expand within spec.cleanupAfter: the
 *       contract hid the old side, dropped something uncontract builds again (dropIndex's index,
 *       renameTable's view) or changed nothing; the new application writes while contracted and the
 *       operator restarts (the way back is read from the database), the old application comes back
 *       after, then spec.phase Abandon.
 * </ol>
 *
 * After each rollback: the catalog snapshot of the table equals the one before, no application
 * statement failed, every row is there (count = initial + inserted) and holds the value its last
 * writer wrote. One operator serves the class; tables are small so the whole matrix stays short.
 */
class RollbackMatrixIT {
  static final long ROWS = 3_000;
  static final Duration STEP = Duration.ofMinutes(1);
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));
  static KubeHarness harness;
  static TestDatabase db;

  /** What a kind's contract does to the schema, and whether moving back to Expand undoes it. */
  enum AtContract {
    /** Hides or drops something it restores until spec.cleanupAfter. */
    REVERSIBLE_CHANGE,
    /** Runs no statement: only the state moves, so it is reversible until spec.cleanupAfter. */
    NO_CHANGE
  }

  /**
   * One kind's case: the operation on table t, what its contract does, whether it backfills, and
   * the application version that runs while contracted.
   */
  record Case(
      Function<String, Operation> operation,
      AtContract contract,
      boolean backfills,
      Function<String, TableWorkload> newApp) {}

  /** The new version of a kind whose contract changes nothing the application sees. */
  private static TableWorkload sameColumnsApp(String t) {
    return app("new", t, "score", true, 0, "");
  }

  static final Map<String, Case> CASES =
      Map.ofEntries(
          Map.entry(
              "renameColumn",
              new Case(
                  t -> Operation.renameColumn(new RenameColumn("public", t, "score", "points")),
                  AtContract.REVERSIBLE_CHANGE,
                  true,
                  t -> app("new", t, "points", true, 0, ""))),
          Map.entry(
              "addColumn",
              new Case(
                  t -> {
                    var tier = new AddColumn(t, "tier", "text");
                    tier.setDefaultValue("'basic'");
                    tier.setNotNull(true);
                    tier.setCheck("tier <> ''");
                    return Operation.addColumn(tier);
                  },
                  AtContract.NO_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)),
          Map.entry(
              "dropColumn",
              new Case(
                  t -> {
                    var legacy = new DropColumn(t, "legacy");
                    legacy.setDown("''");
                    return Operation.dropColumn(legacy);
                  },
                  AtContract.REVERSIBLE_CHANGE,
                  false,
                  t -> app("new", t, "score", false, 0, ""))),
          Map.entry(
              "setNotNull",
              new Case(
                  t -> {
                    var email = new SetNotNull(t, "email");
                    email.setValue("'unknown@example.com'");
                    return Operation.setNotNull(email);
                  },
                  AtContract.REVERSIBLE_CHANGE,
                  true,
                  t -> app("new", t, "score", true, 0, ""))),
          Map.entry(
              "addCheckConstraint",
              new Case(
                  t ->
                      Operation.addCheckConstraint(
                          new AddCheckConstraint(t, t + "_owner_positive", "owner_id > 0")),
                  AtContract.NO_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)),
          Map.entry(
              "addForeignKey",
              new Case(
                  t ->
                      Operation.addForeignKey(
                          new AddForeignKey(
                              t,
                              t + "_owner_fk",
                              List.of("owner_id"),
                              new ForeignKeyReference("owners", List.of("id")))),
                  AtContract.NO_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)),
          Map.entry(
              "createIndex",
              new Case(
                  t -> {
                    var index = new CreateIndex(t, t + "_owner", List.of("owner_id"));
                    index.setWhere("owner_id IS NOT NULL");
                    return Operation.createIndex(index);
                  },
                  AtContract.NO_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)),
          Map.entry(
              "dropIndex",
              new Case(
                  t -> Operation.dropIndex(new DropIndex(t + "_note")),
                  AtContract.REVERSIBLE_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)),
          Map.entry(
              "addUniqueConstraint",
              new Case(
                  t ->
                      Operation.addUniqueConstraint(
                          new AddUniqueConstraint(t, t + "_code_key", List.of("code"))),
                  AtContract.NO_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)),
          Map.entry(
              "changeColumnType",
              new Case(
                  t -> Operation.changeColumnType(new ChangeColumnType(t, "score", "bigint")),
                  AtContract.REVERSIBLE_CHANGE,
                  true,
                  t -> app("new", t, "score", true, 0, "&autosave=conservative").inTransactions())),
          Map.entry(
              "renameTable",
              new Case(
                  t -> Operation.renameTable(new RenameTable(t, t + "_renamed")),
                  AtContract.REVERSIBLE_CHANGE,
                  false,
                  t -> app("new", t + "_renamed", "score", true, 0, ""))),
          Map.entry(
              "sql",
              new Case(
                  t ->
                      Operation.sql(
                          new RawSql(
                              "CREATE INDEX CONCURRENTLY IF NOT EXISTS %1$s_code ON %1$s (code);"
                                      .formatted(t)
                                  + " ALTER TABLE %s ADD COLUMN flag boolean".formatted(t),
                              "ALTER TABLE %1$s DROP COLUMN IF EXISTS flag;".formatted(t)
                                  + " DROP INDEX CONCURRENTLY IF EXISTS %s_code".formatted(t))),
                  AtContract.NO_CHANGE,
                  false,
                  RollbackMatrixIT::sameColumnsApp)));

  @BeforeAll
  static void start() {
    db = TestPostgres.newPrimaryDatabase();
    harness = new KubeHarness();
    harness.startOperator(CONFIG);
  }

  @AfterAll
  static void stop() {
    harness.close();
    db.close();
  }

  static Stream<String> kinds() {
    return ChangeKinds.names().stream();
  }

  @Test
  void everyKindHasACase() {
    assertEquals(new TreeSet<>(ChangeKinds.names()), new TreeSet<>(CASES.keySet()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void rollsBackFromEveryPhase(String kind) throws Exception {
    Case c = CASES.get(kind);
    String t = "rb_" + kind.toLowerCase();
    String ns = "rb-" + kind.toLowerCase();
    AccountsTable.create(db, t, ROWS);
    db.execute("CREATE TABLE anchor_%s (id bigint PRIMARY KEY)".formatted(t));
    Manifests.namespaceWithDatabaseSecret(harness.client(), ns, "db", db.uri());
    var before = snapshot(t);
    var apps = new ArrayList<TableWorkload>();
    try {
      fromExpandInProgress(c, ns, t, before, apps);
      fromExpanded(c, ns, t, before, apps);
      fromContracted(c, ns, t, before, apps);
    } finally {
      apps.forEach(TableWorkload::stop);
    }
    for (var app : apps) {
      System.out.printf("[RollbackMatrixIT] %s: %s%n", kind, app.report());
      assertEquals(List.of(), app.failures(), app.name() + " application statements failed");
      assertTrue(app.statements() > 20, app.name() + " did work");
    }
  }

  /** (a) Abandon while expand runs: mid-backfill, or as soon as expand recorded the operation. */
  private void fromExpandInProgress(
      Case c, String ns, String t, List<String> before, List<TableWorkload> apps) throws Exception {
    var old = started(apps, AccountsTable.oldApp(db, t, ROWS));
    Operation op = c.operation().apply(t);
    var m = migration(ns, "expanding", op);
    m.getSpec().getBackfill().setInitialBatchSize(100);
    m.getSpec().getBackfill().setMaxBatchSize(100);
    m.getSpec().getBackfill().setPauseBetweenBatches("100ms"); // long enough to interrupt
    Manifests.create(harness.client(), m);
    String reached;
    if (c.backfills()) {
      Awaitility.await()
          .atMost(STEP)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                var s = Manifests.get(harness.client(), ns, "expanding").getStatus();
                return s != null
                    && "Backfilling".equals(s.getPhase())
                    && s.getBackfill() != null
                    && s.getBackfill().rowsDone() != null
                    && s.getBackfill().rowsDone() > 0;
              });
      var backfill = Manifests.get(harness.client(), ns, "expanding").getStatus().getBackfill();
      assertTrue(backfill.rowsDone() < ROWS, "interrupted before the backfill's end");
      reached = "backfill at " + backfill.rowsDone() + " rows";
    } else {
      String id = ChangeKinds.idOf(op);
      Awaitility.await()
          .atMost(STEP)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> recordedState(id) != null);
      reached = "state " + recordedState(id);
    }
    Manifests.editSpec(harness.client(), ns, "expanding", s -> s.setPhase(MigrationPhase.Abandon));
    await(ns, "expanding", "True", Reasons.ABANDONED);
    Thread.sleep(300); // the old application keeps running on the restored schema
    old.stop();
    System.out.printf("[RollbackMatrixIT] %s: abandoned at %s%n", t, reached);
    assertEquals(before, snapshot(t), "Abandon at " + reached + " restores the schema");
    assertRowsKept(t, apps);
    delete(ns, "expanding");
  }

  /** (b) Expanded, then the operation is removed from the spec while another one stays. */
  private void fromExpanded(
      Case c, String ns, String t, List<String> before, List<TableWorkload> apps) throws Exception {
    var old = started(apps, AccountsTable.app("old-b", db, t, ROWS, 1));
    var anchor = Operation.addColumn(new AddColumn("anchor_" + t, "nickname", "text"));
    Manifests.create(harness.client(), migration(ns, "expanded", anchor, c.operation().apply(t)));
    await(ns, "expanded", "True", Reasons.EXPANDED);
    // dropIndex changes nothing until contract; every other kind here changes the table at expand
    assertTrue(!before.equals(snapshot(t)) || t.endsWith("dropindex"), "expand changed " + t);
    Manifests.editSpec(
        harness.client(),
        ns,
        "expanded",
        s -> s.setOperations(new ArrayList<>(s.getOperations().subList(0, 1))));
    Awaitility.await().atMost(STEP).until(() -> before.equals(snapshot(t)));
    await(ns, "expanded", "True", Reasons.EXPANDED);
    old.stop();
    assertEquals(before, snapshot(t), "removing the operation restores the schema");
    assertEquals(
        1,
        db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'anchor_%s' AND column_name = 'nickname'"
                .formatted(t)),
        "the operation that stays is still expanded");
    assertRowsKept(t, apps);
    delete(ns, "expanded");
  }

  /** (c) Contracted within spec.cleanupAfter, then back to Expand; then Abandon. */
  private void fromContracted(
      Case c, String ns, String t, List<String> before, List<TableWorkload> apps) throws Exception {
    var old = started(apps, AccountsTable.app("old-c", db, t, ROWS, 1));
    var m = migration(ns, "contracted", c.operation().apply(t));
    m.getSpec().setCleanupAfter("1h");
    Manifests.create(harness.client(), m);
    await(ns, "contracted", "True", Reasons.EXPANDED);
    var expanded = snapshot(t);
    TableWorkload next = started(apps, c.newApp().apply(t));
    Thread.sleep(500); // both versions run while expanded
    old.stop(); // retired before Contract, as the README says
    Manifests.editSpec(
        harness.client(), ns, "contracted", s -> s.setPhase(MigrationPhase.Contract));
    await(ns, "contracted", "True", Reasons.CLEANUP_PENDING);
    assertEquals(
        c.contract() == AtContract.REVERSIBLE_CHANGE,
        !expanded.equals(snapshot(t)),
        "contract changes the schema only for kinds that hide or drop something");
    Thread.sleep(700); // the new application writes while contracted
    // A new operator process knows only what the database recorded (dropIndex: the definition).
    harness.stopOperator();
    harness.startOperator(CONFIG);
    Manifests.editSpec(harness.client(), ns, "contracted", s -> s.setPhase(MigrationPhase.Expand));
    await(ns, "contracted", "True", Reasons.EXPANDED);
    assertEquals(expanded, snapshot(t), "moving back to Expand restores the expanded schema");
    var oldAgain = started(apps, AccountsTable.app("old-again", db, t, ROWS, 1));
    Thread.sleep(500); // the old application version is back, next to the new one
    next.stop(); // e.g. dropColumn: rows inserted after rollback must carry legacy again
    Manifests.editSpec(harness.client(), ns, "contracted", s -> s.setPhase(MigrationPhase.Abandon));
    await(ns, "contracted", "True", Reasons.ABANDONED);
    Thread.sleep(300);
    oldAgain.stop();
    assertEquals(before, snapshot(t), "Abandon after the round trip restores the schema");
    assertRowsKept(t, apps);
    delete(ns, "contracted");
  }

  /**
   * No row lost or divergent: every row present (count = initial + every row the workloads
   * inserted) and each written row holding the score its last writer wrote. The workloads are in
   * the order they started: two of the same parity never ran at once, so a later one's value wins.
   */
  private static void assertRowsKept(String table, List<TableWorkload> writers) {
    long inserted =
        writers.stream()
            .flatMap(w -> w.lastWritten().keySet().stream())
            .filter(id -> id > ROWS)
            .distinct()
            .count();
    assertEquals(
        ROWS + inserted, db.queryLong("SELECT count(*) FROM " + table), "no row lost or added");
    assertEquals(
        List.of(),
        TableWorkload.lostWrites(db, table, "score", writers.toArray(TableWorkload[]::new)));
  }

  private static String recordedState(String operationId) {
    try {
      return db.queryString(
          "SELECT state FROM dovetail.operations WHERE operation_id = '" + operationId + "'");
    } catch (RuntimeException e) {
      return null; // the bookkeeping schema is created by the first expand step
    }
  }

  private static TableWorkload started(List<TableWorkload> apps, TableWorkload app) {
    apps.add(app);
    return app.start();
  }

  /**
   * An application version on {@code t} writing its score under {@code scoreColumn}, legacy only
   * when {@code writesLegacy}, and never a NULL email (the version after the migration).
   */
  private static TableWorkload app(
      String name,
      String t,
      String scoreColumn,
      boolean writesLegacy,
      int parity,
      String jdbcProperties) {
    return new TableWorkload(
        name,
        db.uri(),
        jdbcProperties,
        ("INSERT INTO %1$s (owner_id, email, code, %2$s, note%3$s) VALUES (1 + ? %% 100, '%4$s' ||"
                + " ?, '%4$s-' || ?, ? %% 2000000000, 'n' || ?%5$s) RETURNING id")
            .formatted(
                t, scoreColumn, writesLegacy ? ", legacy" : "", name, writesLegacy ? ", 'l'" : ""),
        "UPDATE %s SET %s = ? %% 2000000000 WHERE id = ?".formatted(t, scoreColumn),
        "SELECT %s, email FROM %s WHERE id = ?".formatted(scoreColumn, t),
        ROWS,
        parity);
  }

  private static List<String> snapshot(String t) {
    return SchemaSnapshot.of(db, t, t + "_renamed");
  }

  private static DatabaseMigration migration(String ns, String name, Operation... ops) {
    var m = Manifests.migration(ns, name, "db", ops);
    m.getSpec().setAllowRawSql(true);
    return m;
  }

  private static void delete(String ns, String name) {
    harness.client().resources(DatabaseMigration.class).inNamespace(ns).withName(name).delete();
    StatusAssertions.awaitGone(harness.client(), DatabaseMigration.class, ns, name, STEP);
  }

  private static DatabaseMigration await(String ns, String name, String status, String reason) {
    return awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        ns,
        name,
        ConditionTypes.READY,
        status,
        reason,
        STEP);
  }
}
