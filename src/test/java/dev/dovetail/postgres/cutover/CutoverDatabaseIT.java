package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cutover's schema copy, publication, subscription, heartbeat lag and cleanup against the real
 * source (the topology's primary) and target servers.
 */
class CutoverDatabaseIT {
  private static final QualifiedTable ACCOUNTS = new QualifiedTable("public", "accounts");
  private static final QualifiedTable EVENTS = new QualifiedTable("app", "events");

  private TestDatabase source;
  private TestDatabase target;
  private CutoverDatabase cutover;
  private CutoverNames names;

  @BeforeEach
  void databases() throws Exception {
    source = TestPostgres.newPrimaryDatabase();
    target = TestPostgres.newTargetDatabase();
    source.execute(
        "CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL,"
            + " balance numeric(12,2) DEFAULT 0, email text UNIQUE,"
            + " created timestamptz NOT NULL DEFAULT now())",
        "CREATE INDEX accounts_owner ON accounts (owner) WHERE balance > 0",
        "CREATE SCHEMA app",
        "CREATE TABLE app.events (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " payload jsonb, size int GENERATED ALWAYS AS (length(payload::text)) STORED)",
        "CREATE TABLE nokey (x int)",
        "INSERT INTO accounts (owner, balance, email) SELECT 'o' || g, g, 'e' || g"
            + " FROM generate_series(1, 500) g",
        "INSERT INTO app.events (payload) SELECT jsonb_build_object('n', g)"
            + " FROM generate_series(1, 200) g");
    names = CutoverNames.of("shop", "move-" + source.name());
    cutover = CutoverDatabase.open(source.uri(), target.uri(), names);
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      cutover.cleanup();
      cutover.close();
    } finally {
      target.close();
      source.close();
    }
  }

  @Test
  void refusesBadTablesBeforeCreatingAnything() {
    var noKey =
        assertThrows(
            CutoverProblem.class,
            () -> cutover.ensureTargetSchema(List.of(ACCOUNTS, QualifiedTable.parse("nokey"))));
    assertEquals("spec.tables[1]", noKey.field());
    assertTrue(noKey.getMessage().contains("public.nokey has no primary key"), noKey.getMessage());

    var missing =
        assertThrows(
            CutoverProblem.class,
            () -> cutover.ensureTargetSchema(List.of(QualifiedTable.parse("public.missing"))));
    assertEquals("spec.tables[0]", missing.field());
    assertTrue(missing.getMessage().contains("does not exist on the source"));

    target.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, owner int)");
    var differs =
        assertThrows(CutoverProblem.class, () -> cutover.ensureTargetSchema(List.of(ACCOUNTS)));
    assertTrue(differs.getMessage().contains("exists on the target with other columns"));
    assertEquals(
        1,
        target.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'app')"),
        "nothing but the user's own table on the target");
  }

  @Test
  void createsTheTablesEmptyWithKeysIndexesAndSequences() throws Exception {
    SchemaReport first = cutover.ensureTargetSchema(List.of(ACCOUNTS, EVENTS));
    assertEquals(List.of(ACCOUNTS, EVENTS), first.created());
    SchemaReport second = cutover.ensureTargetSchema(List.of(ACCOUNTS, EVENTS));
    assertEquals(List.of(), second.created());
    assertEquals(List.of(ACCOUNTS, EVENTS), second.existing());

    for (String sql :
        List.of(
            "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' '"
                + " || attnotnull || ' ' || attidentity::text || attgenerated::text, ', ' ORDER BY attnum)"
                + " FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0",
            "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes"
                + " WHERE tablename IN ('accounts', 'events')",
            "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY conname)"
                + " FROM pg_constraint WHERE conrelid IN ('accounts'::regclass,"
                + " 'app.events'::regclass)")) {
      assertEquals(source.queryString(sql), target.queryString(sql), sql);
    }
    assertEquals(0, target.queryLong("SELECT count(*) FROM accounts"));
    assertEquals(0, target.queryLong("SELECT count(*) FROM app.events"));
    String generated =
        "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'app.events'::regclass";
    assertEquals(source.queryString(generated), target.queryString(generated), "generated column");
    target.execute("INSERT INTO accounts (owner) VALUES ('from the sequence')");
    assertEquals(1, target.queryLong("SELECT id FROM accounts"));
  }

  @Test
  void streamsChangesMeasuresLagBothWaysAndCleansUp() throws Exception {
    cutover.ensureTargetSchema(List.of(ACCOUNTS, EVENTS));
    cutover.ensureBookkeeping();
    cutover.ensurePublication(List.of(ACCOUNTS, EVENTS));
    cutover.ensurePublication(List.of(ACCOUNTS, EVENTS));
    assertNotNull(cutover.lag(), "lag is readable before anything streams");
    assertEquals(null, cutover.lag().slotLagBytes(), "no slot yet");
    source.execute("SELECT pg_create_logical_replication_slot('" + names.slot() + "', 'pgoutput')");
    cutover.ensureSubscription();
    cutover.ensureSubscription();

    source.execute("INSERT INTO accounts (owner) VALUES ('streamed')");
    awaitTrue(
        () -> target.queryLong("SELECT count(*) FROM accounts WHERE owner = 'streamed'") == 1,
        "the insert reaches the target");
    cutover.writeHeartbeat();
    awaitTrue(
        () -> heartbeatLag() != null && heartbeatLag().toMillis() < 2000, "heartbeat applied");
    assertTrue(cutover.lag().subscriptionEnabled());

    cutover.setSubscriptionEnabled(false);
    long stoppedAt = System.nanoTime();
    awaitTrue(
        () -> {
          beat();
          return heartbeatLag().toMillis() >= 1500;
        },
        "heartbeat lag grows while the subscription is disabled");
    LagReading stalled = cutover.lag();
    assertFalse(stalled.subscriptionEnabled());
    assertTrue(stalled.slotLagBytes() > 0, stalled.describe());
    assertTrue(
        stalled.heartbeatLag().toNanos() <= System.nanoTime() - stoppedAt + 2_000_000_000L,
        "lag is bounded by the time since the subscription stopped: " + stalled.describe());
    assertTrue(stalled.describe().contains("subscription disabled"), stalled.describe());
    source.execute("UPDATE accounts SET balance = 42 WHERE owner = 'streamed'");

    cutover.setSubscriptionEnabled(true);
    awaitTrue(
        () -> {
          beat();
          return heartbeatLag().toMillis() < 1000;
        },
        "lag recovers once the subscription is enabled again");
    awaitTrue(
        () ->
            target.queryLong(
                    "SELECT count(*) FROM accounts WHERE owner = 'streamed' AND balance = 42")
                == 1,
        "the update made while disabled arrives");

    cutover.cleanup();
    assertEquals(
        0,
        target.queryLong("SELECT count(*) FROM pg_subscription WHERE subname LIKE 'dovetail_%'"));
    assertEquals(
        0,
        source.queryLong(
            "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + names.slot() + "'"));
    assertEquals(
        0, source.queryLong("SELECT count(*) FROM pg_publication WHERE pubname LIKE 'dovetail_%'"));
    assertEquals(
        0, source.queryLong("SELECT count(*) FROM dovetail.cutover_heartbeat"), "heartbeat gone");
    assertEquals(1, target.queryLong("SELECT count(*) FROM accounts WHERE owner = 'streamed'"));
    assertEquals(501, source.queryLong("SELECT count(*) FROM accounts"), "user rows kept");
    cutover.cleanup();
  }

  private void beat() {
    try {
      cutover.writeHeartbeat();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Duration heartbeatLag() {
    try {
      return cutover.lag().heartbeatLag();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(100);
    }
  }
}
