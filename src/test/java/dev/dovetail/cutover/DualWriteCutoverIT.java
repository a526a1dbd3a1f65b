package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CutoverForeignKeyStatus;
import dev.dovetail.api.v1alpha1.CutoverPhase;
import dev.dovetail.api.v1alpha1.DatabaseRef;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.SecretKeyRef;
import dev.dovetail.kube.Conditions;
import dev.dovetail.testing.AccountsTable;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.StatusAssertions;
import dev.dovetail.testing.StatusFixtures;
import dev.dovetail.testing.TableWorkload;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DualWriteCutover through the operator, against a real source and target: copy under an
 * application workload, replication, verification rounds, the read cutover 0 → 1 → 10 → 50 → 100
 * through the flag ConfigMap with its gates (lag, divergence) and fallback, the write switch and
 * its revert, Complete, and deletion through the finalizer. The Jobs run in process.
 */
class DualWriteCutoverIT {
  static final String NS = "shop";
  static final String NAME = "move-shop";
  static final String FLAG = "shop-routing";
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));
  static final long ROWS = 100_000;

  KubeHarness harness;
  TestDatabase source;
  TestDatabase target;

  @BeforeEach
  void setUp() {
    source = TestPostgres.newPrimaryDatabase();
    target = TestPostgres.newTargetDatabase();
    harness = new KubeHarness();
    harness.startOperator(CONFIG);
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "source-db", source.uri());
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "target-db", target.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    // A test that failed half-way leaves replication behind; slots belong to the whole server.
    target.execute(
        "DO $$ DECLARE s text; BEGIN FOR s IN SELECT subname FROM pg_subscription s JOIN"
            + " pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database() LOOP"
            + " EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', s); EXECUTE format('ALTER"
            + " SUBSCRIPTION %I SET (slot_name = NONE)', s); EXECUTE format('DROP SUBSCRIPTION"
            + " %I', s); END LOOP; END $$");
    for (TestDatabase db : List.of(source, target)) {
      db.execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
              + " WHERE database = current_database() AND NOT active");
    }
    source.close();
    target.close();
  }

  @Test
  void copyVerifyReadCutoverWriteSwitchAndComplete() throws Exception {
    AccountsTable.create(source, "accounts", ROWS);
    // Parent and child: the workload inserts accounts (children) of owners 1..100.
    source.execute(
        "ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fk FOREIGN KEY (owner_id)"
            + " REFERENCES owners");
    List<String> failures = new ArrayList<>();
    try (TableWorkload app = AccountsTable.oldApp(source, "accounts", ROWS).start()) {
      create(cutover(0));
      StatusFixtures.record(
          "dualwritecutover-copying",
          await(c -> has(c, ConditionTypes.PROGRESSING, "True", Reasons.COPYING)));
      var verifying =
          await(c -> has(c, ConditionTypes.CONSISTENT, "False", Reasons.NOT_YET_VERIFIED));
      assertTrue(
          target.queryLong("SELECT count(*) FROM accounts") >= ROWS, "the copy filled the target");
      StatusFixtures.record("dualwritecutover-verifying", verifying);
      var ready = awaitReady(0);
      StatusFixtures.record("dualwritecutover-step-reached", ready);
      assertTrue(ready.getStatus().getCopy().rowsCopied() >= ROWS, "copy status counts rows");
      assertTrue(ready.getStatus().getReplicationLag() != null, "lag is measured");
      assertEquals(0L, ready.getStatus().getVerification().differing());
      assertEquals(
          List.of(
              new CutoverForeignKeyStatus(
                  "accounts_owner_fk", "public.accounts", "public.owners", "NotValid")),
          ready.getStatus().getForeignKeys(),
          "added NOT VALID once the copy was done");
      app.stop();
      failures.addAll(app.failures());
    }
    assertEquals(List.of(), failures, "application statements that failed during copy and sync");

    // Read cutover, each raise gated and soaked; the flag ConfigMap follows.
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      users.add("user-" + i);
    }
    List<String> onTargetAt10 = null;
    for (int percent : new int[] {1, 10, 50, 100}) {
      edit(s -> s.setReadFromTargetPercent(percent));
      awaitReady(percent);
      assertEquals(
          Integer.toString(percent), flag().getData().get(FlagDefinition.READ_PERCENT_KEY));
      if (percent == 10) {
        onTargetAt10 = routedToTarget(users);
        assertTrue(
            onTargetAt10.size() > 100 && onTargetAt10.size() < 300,
            "about 10% of users read from the target: " + onTargetAt10.size());
      }
      if (percent == 50) {
        var at50 = routedToTarget(users);
        assertTrue(at50.containsAll(onTargetAt10), "users on the target at 10% stay there at 50%");
      }
    }

    // Lowering applies at once, ungated.
    Instant lowered = Instant.now();
    edit(s -> s.setReadFromTargetPercent(50));
    var down = awaitReady(50);
    assertEquals("50", flag().getData().get(FlagDefinition.READ_PERCENT_KEY));
    assertTrue(Duration.between(lowered, Instant.now()).toSeconds() < 30, "lowering is not soaked");
    assertTrue(down.getStatus() != null);

    // A lag gate: the subscription is stopped; the raise waits and says why, then goes on.
    target.execute("ALTER SUBSCRIPTION " + subscription() + " DISABLE");
    edit(s -> s.setReadFromTargetPercent(100));
    // Of the edited spec: a pass that saw the disabled subscription before the edit says so too.
    var blocked =
        await(
            c ->
                has(c, ConditionTypes.PROGRESSING, "False", Reasons.SUBSCRIPTION_DISABLED)
                    && c.getMetadata()
                        .getGeneration()
                        .equals(c.getStatus().getObservedGeneration()));
    assertEquals(50, blocked.getStatus().getReadFromTargetPercent());
    assertTrue(
        message(blocked, ConditionTypes.PROGRESSING).startsWith("raise to 100% waits for"),
        message(blocked, ConditionTypes.PROGRESSING));
    StatusFixtures.record("dualwritecutover-gate-blocked", blocked);
    target.execute("ALTER SUBSCRIPTION " + subscription() + " ENABLE");
    awaitReady(100);

    // Divergence on the target: deleted rows are repaired, a changed row is reported and the read
    // step falls back to the last good one.
    target.execute(
        "DELETE FROM accounts WHERE id IN (2, 4, 6)",
        "UPDATE accounts SET score = -1 WHERE id = 8");
    // Another gate may turn red first (a lag blip right after the subscription came back also
    // falls back): wait until the fallback stands and the round has named the changed row.
    var fellBack =
        await(
            c ->
                has(c, ConditionTypes.DEGRADED, "True", Reasons.READ_STEP_ROLLED_BACK)
                    && message(c, ConditionTypes.CONSISTENT).contains("public.accounts:8"));
    StatusFixtures.record("dualwritecutover-rolled-back", fellBack);
    assertEquals(50, fellBack.getStatus().getReadFromTargetPercent(), "back to the last good step");
    assertEquals("50", flag().getData().get(FlagDefinition.READ_PERCENT_KEY));
    assertTrue(
        message(fellBack, ConditionTypes.CONSISTENT).contains("public.accounts:8"),
        message(fellBack, ConditionTypes.CONSISTENT));
    assertEquals(
        3L, target.queryLong("SELECT count(*) FROM accounts WHERE id IN (2, 4, 6)"), "repaired");
    assertEquals(
        -1L, target.queryLong("SELECT score FROM accounts WHERE id = 8"), "not overwritten");
    var report =
        harness.client().configMaps().inNamespace(NS).withName(NAME + "-verification").get();
    assertTrue(
        report.getData().get(VerificationReport.DIFFERING_KEY).contains("public.accounts:8"),
        report.getData().toString());
    assertTrue(
        events().stream().anyMatch(e -> Reasons.READ_STEP_ROLLED_BACK.equals(e.getReason())),
        "an Event says why it fell back");

    // The person fixes the row (a write on the source replicates over the target's) and asks again
    // by changing the spec.
    source.execute("UPDATE accounts SET score = 8 WHERE id = 8");
    edit(s -> s.setReadFromTargetPercent(50));
    awaitReady(50);
    edit(s -> s.setReadFromTargetPercent(100));
    awaitReady(100);

    // Writes to the target and back.
    edit(s -> s.setWriteTarget(WriteTarget.Target));
    var switched = await(c -> ready(c, 100) && "Target".equals(c.getStatus().getWriteTarget()));
    StatusFixtures.record("dualwritecutover-writes-on-target", switched);
    assertEquals("Target", flag().getData().get(FlagDefinition.WRITE_TARGET_KEY));
    assertTrue(switched.getStatus().getLastWritePause() != null, "the pause is reported");
    assertEquals(
        "Validated",
        await(
                c ->
                    c.getStatus().getForeignKeys() != null
                        && "Validated".equals(c.getStatus().getForeignKeys().get(0).state()))
            .getStatus()
            .getForeignKeys()
            .get(0)
            .state());
    assertEquals(
        1L,
        target.queryLong(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'accounts_owner_fk'"
                + " AND convalidated AND confrelid = 'public.owners'::regclass"),
        "the target enforces the key before it takes writes");
    var orphan =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                target.execute(
                    "INSERT INTO accounts (owner_id, code, legacy) VALUES (100000, 'orphan', 'x')"));
    assertTrue(orphan.getMessage().contains("accounts_owner_fk"), orphan.getMessage());
    assertTrue(
        events().stream().anyMatch(e -> Reasons.FOREIGN_KEYS_VALIDATED.equals(e.getReason())),
        "an Event names the validated keys");
    target.execute(
        "INSERT INTO accounts (owner_id, code, legacy) VALUES (1, 'written-on-target', 'x')");
    awaitRow(source, "SELECT count(*) FROM accounts WHERE code = 'written-on-target'");
    edit(s -> s.setWriteTarget(WriteTarget.Source));
    await(c -> ready(c, 100) && "Source".equals(c.getStatus().getWriteTarget()));
    source.execute(
        "INSERT INTO accounts (owner_id, code, legacy) VALUES (1, 'back-on-source', 'x')");
    awaitRow(target, "SELECT count(*) FROM accounts WHERE code = 'back-on-source'");

    // Complete: the operator's objects go, the data and the flag stay.
    edit(s -> s.setPhase(CutoverPhase.Complete));
    var completed = await(c -> has(c, ConditionTypes.READY, "True", Reasons.COMPLETED));
    StatusFixtures.record("dualwritecutover-completed", completed);
    assertEquals(
        0L,
        target.queryLong(
            "SELECT count(*) FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                + " WHERE d.datname = current_database()"));
    assertEquals(
        0L,
        source.queryLong(
            "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));
    assertEquals(0L, source.queryLong("SELECT count(*) FROM pg_publication"));
    assertTrue(target.queryLong("SELECT count(*) FROM accounts") > ROWS);
    assertTrue(flag() != null, "the flag outlives the cutover");
    assertEquals(
        1L,
        target.queryLong(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'accounts_owner_fk' AND convalidated"),
        "cleanup keeps the user's foreign key");

    harness.client().resources(DualWriteCutover.class).inNamespace(NS).withName(NAME).delete();
    StatusAssertions.awaitGone(harness.client(), DualWriteCutover.class, NS, NAME, TIMEOUT);
    assertTrue(
        events().stream().anyMatch(e -> Reasons.CLEANED_UP.equals(e.getReason())),
        "the finalizer cleaned up");
  }

  @Test
  void aTableWithoutAPrimaryKeyIsRefusedNamingTheFieldAndNothingIsCreated() {
    AccountsTable.create(source, "accounts", 100);
    source.execute("CREATE TABLE audit (at timestamptz, what text)");
    var c = cutover(0);
    c.getSpec().setTables(List.of("public.accounts", "public.audit"));
    create(c);
    var refused = await(x -> has(x, ConditionTypes.READY, "False", Reasons.INVALID_SPEC));
    assertEquals("Invalid", refused.getStatus().getPhase());
    assertTrue(
        message(refused, ConditionTypes.READY)
            .startsWith("spec.tables[1]: table public.audit has no primary key"),
        message(refused, ConditionTypes.READY));
    assertEquals(
        0L,
        target.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        "nothing was created on the target");
    assertEquals(
        0L,
        source.queryLong(
            "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));
  }

  /**
   * A session on the source holding ACCESS EXCLUSIVE on a moved table (a user's long ALTER TABLE,
   * VACUUM FULL or forgotten LOCK TABLE): reading the table's shape (pg_get_expr opens the table)
   * must not hold the reconcile for as long as it lasts (before the fix: no status at all after 2
   * minutes). Status names the holder while it holds, nothing is created on the target, and the
   * cutover proceeds once the lock is gone.
   */
  @Test
  void anAccessExclusiveHolderOnTheSourceIsNamedAndHoldsNoReconcile() throws Exception {
    AccountsTable.create(source, "accounts", 1000);
    awaitNamedWhileLocked(source, "on the source (spec.source)");
    assertEquals(
        0L,
        target.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        "nothing was created on the target");
    awaitReady(0);
  }

  /** The same on the target, whose existing tables' shape is read too. */
  @Test
  void anAccessExclusiveHolderOnTheTargetIsNamedAndHoldsNoReconcile() throws Exception {
    AccountsTable.create(source, "accounts", 1000);
    target.execute(
        "CREATE TABLE owners (id bigint PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE accounts (id bigserial PRIMARY KEY, owner_id bigint, email text, code text,"
            + " score integer NOT NULL DEFAULT 0, legacy text NOT NULL, note text, created_at"
            + " timestamptz NOT NULL DEFAULT now())");
    awaitNamedWhileLocked(target, "on the target (spec.target)");
    assertEquals(
        0L,
        source.queryLong("SELECT count(*) FROM pg_publication"),
        "nothing was set up on the source");
    awaitReady(0);
    assertEquals(1000L, target.queryLong("SELECT count(*) FROM accounts"));
  }

  /**
   * Creates the cutover while a session holds ACCESS EXCLUSIVE on accounts in {@code db}; returns
   * once status named that session (and the lock is still held), then releases it.
   */
  private void awaitNamedWhileLocked(TestDatabase db, String side) throws Exception {
    try (java.sql.Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
      long holderPid;
      try (var rs = holder.createStatement().executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        holderPid = rs.getLong(1);
      }
      create(cutover(0));
      var blocked = await(c -> has(c, ConditionTypes.PROGRESSING, "False", Reasons.LOCK_TIMEOUT));
      String seen = message(blocked, ConditionTypes.PROGRESSING);
      System.out.printf("[DualWriteCutoverIT] while locked: %s%n", seen);
      assertTrue(
          seen.contains(side + " ACCESS EXCLUSIVE public.accounts held by pid " + holderPid), seen);
      assertEquals(
          "idle in transaction",
          db.queryString("SELECT state FROM pg_stat_activity WHERE pid = " + holderPid),
          "the lock is still held while status names it");
      holder.rollback();
    }
  }

  @Test
  void applicationDualWriteOfAWholeSchemaIsVerifiedRepairedAndGatedWithoutReplication()
      throws Exception {
    source.execute(
        "CREATE SCHEMA shop",
        "CREATE TABLE shop.items (id bigint PRIMARY KEY, name text NOT NULL, qty int NOT NULL)",
        "CREATE TABLE shop.tags (id int PRIMARY KEY, tag text)",
        "INSERT INTO shop.items SELECT g, 'item-' || g, g % 100 FROM generate_series(1, 20000) g",
        "INSERT INTO shop.tags SELECT g, 't' || g FROM generate_series(1, 500) g");
    var c = cutover(0);
    c.getSpec().setTables(null);
    c.getSpec().setSchema("shop");
    c.getSpec().getSync().setMode(dev.dovetail.api.v1alpha1.CutoverSync.Mode.ApplicationDualWrite);
    create(c);
    // The application starts writing to both once the operator created the target's tables.
    awaitRow(
        target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'shop' AND tablename = 'items'");
    try (var app = new DualWriter(source, target).start()) {
      var ready = awaitReady(0);
      assertTrue(
          target.queryLong("SELECT count(*) FROM shop.items") >= 20_000,
          "the rows written before dual writes began were repaired from the source");
      assertEquals(0L, ready.getStatus().getVerification().differing());
      assertEquals(
          Reasons.APPLICATION_DUAL_WRITE,
          Conditions.find(ready.getStatus().getConditions(), ConditionTypes.REPLICATION_HEALTHY)
              .orElseThrow()
              .getReason());
      edit(s -> s.setReadFromTargetPercent(100));
      awaitReady(100);
      app.stop();
      assertEquals(List.of(), app.failures(), "dual-written statements that failed");
      assertTrue(app.writes() > 100, "the application wrote: " + app.writes());
    }
    assertEquals(
        source.queryString("SELECT count(*) || ':' || sum(qty) FROM shop.items"),
        target.queryString("SELECT count(*) || ':' || sum(qty) FROM shop.items"));
    assertEquals(
        0L,
        source.queryLong(
            "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"),
        "no slot: nothing replicates");
    assertEquals(0L, source.queryLong("SELECT count(*) FROM pg_publication"));
  }

  /**
   * An application that writes every change to the source, then the same to the target (updates as
   * upserts of the whole row there).
   */
  private static final class DualWriter implements AutoCloseable {
    private final TestDatabase source;
    private final TestDatabase target;
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicLong writes =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    DualWriter(TestDatabase source, TestDatabase target) {
      this.source = source;
      this.target = target;
    }

    DualWriter start() {
      thread = new Thread(this::loop, "dual-writer");
      thread.start();
      return this;
    }

    private void loop() {
      long next = 1_000_000;
      try (var s = source.connect();
          var t = target.connect()) {
        while (running) {
          var r = java.util.concurrent.ThreadLocalRandom.current();
          try {
            if (r.nextBoolean()) {
              long id = next++;
              for (var c : List.of(s, t)) {
                try (var ps = c.prepareStatement("INSERT INTO shop.items VALUES (?, 'new', 1)")) {
                  ps.setLong(1, id);
                  ps.executeUpdate();
                }
              }
            } else {
              long id = r.nextLong(1, 20_001);
              int qty = r.nextInt(1000);
              try (var ps = s.prepareStatement("UPDATE shop.items SET qty = ? WHERE id = ?")) {
                ps.setInt(1, qty);
                ps.setLong(2, id);
                ps.executeUpdate();
              }
              // The target may not have the row yet (written before dual writes began): upsert
              // the whole row, as the README asks of dual-writing applications.
              try (var ps =
                  t.prepareStatement(
                      "INSERT INTO shop.items VALUES (?, 'item-' || ?, ?) ON CONFLICT (id) DO"
                          + " UPDATE SET qty = excluded.qty")) {
                ps.setLong(1, id);
                ps.setLong(2, id);
                ps.setInt(3, qty);
                ps.executeUpdate();
              }
            }
            writes.incrementAndGet();
            Thread.sleep(2);
          } catch (java.sql.SQLException e) {
            failures.add(e.getMessage());
          } catch (InterruptedException e) {
            return;
          }
        }
      } catch (java.sql.SQLException e) {
        failures.add("connection: " + e.getMessage());
      }
    }

    long writes() {
      return writes.get();
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  // --- helpers

  private DualWriteCutover cutover(int percent) {
    var spec = new DualWriteCutoverSpec();
    spec.setSource(new DatabaseRef(new SecretKeyRef("source-db", "uri")));
    spec.setTarget(new DatabaseRef(new SecretKeyRef("target-db", "uri")));
    spec.setTables(List.of("public.owners", "public.accounts"));
    spec.setReadFromTargetPercent(percent);
    spec.getGates().setMaxReplicationLag("5s");
    spec.getGates().setMinSoak("1s");
    spec.getGates().setMaxWritePause("5s");
    spec.getGates().setRollbackOnFailure(true);
    spec.getVerification().setInterval("1s");
    spec.getVerification().setChunkSize(5000);
    spec.getFlag().setConfigMapName(FLAG);
    spec.getFlag().setFlagKey("shop-db");
    var c = new DualWriteCutover();
    c.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NS).build());
    c.setSpec(spec);
    return c;
  }

  private void create(DualWriteCutover c) {
    harness.client().resource(c).create();
  }

  private void edit(Consumer<DualWriteCutoverSpec> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        harness
            .client()
            .resources(DualWriteCutover.class)
            .inNamespace(NS)
            .withName(NAME)
            .edit(
                c -> {
                  change.accept(c.getSpec());
                  return c;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  private DualWriteCutover awaitReady(int percent) {
    return await(c -> ready(c, percent));
  }

  private static boolean ready(DualWriteCutover c, int percent) {
    return c.getStatus() != null
        && c.getStatus().getReadFromTargetPercent() != null
        && c.getStatus().getReadFromTargetPercent() == percent
        && c.getStatus().getObservedGeneration() != null
        && c.getStatus().getObservedGeneration().equals(c.getMetadata().getGeneration())
        && has(c, ConditionTypes.READY, "True", Reasons.STEP_REACHED);
  }

  private DualWriteCutover await(Predicate<DualWriteCutover> done) {
    Instant deadline = Instant.now().plus(TIMEOUT);
    DualWriteCutover last = null;
    while (Instant.now().isBefore(deadline)) {
      last =
          harness.client().resources(DualWriteCutover.class).inNamespace(NS).withName(NAME).get();
      if (last != null && done.test(last)) {
        return last;
      }
      sleep(100);
    }
    throw new AssertionError(
        "the cutover did not get there within "
            + TIMEOUT
            + "; last status:\n"
            + StatusAssertions.statusYaml(last));
  }

  private static boolean has(DualWriteCutover c, String type, String status, String reason) {
    return c.getStatus() != null
        && Conditions.find(c.getStatus().getConditions(), type)
            .filter(x -> status.equals(x.getStatus()) && reason.equals(x.getReason()))
            .isPresent();
  }

  private static String message(DualWriteCutover c, String type) {
    return Conditions.find(c.getStatus().getConditions(), type).orElseThrow().getMessage();
  }

  private ConfigMap flag() {
    return harness.client().configMaps().inNamespace(NS).withName(FLAG).get();
  }

  private List<String> routedToTarget(List<String> users) throws Exception {
    String definition = flag().getData().get(FlagDefinition.FLAGD_KEY);
    var onTarget = new ArrayList<String>();
    for (String user : users) {
      if (FlagDefinition.TARGET.equals(FlagdFractional.evaluate(definition, "shop-db", user))) {
        onTarget.add(user);
      }
    }
    return onTarget;
  }

  private List<Event> events() {
    return harness.client().v1().events().inNamespace(NS).list().getItems();
  }

  private String subscription() {
    return dev.dovetail.postgres.cutover.CutoverNames.of(NS, NAME).subscription();
  }

  private static void awaitRow(TestDatabase db, String countSql) {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (db.queryLong(countSql) == 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("replication did not bring " + countSql);
      }
      sleep(100);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
