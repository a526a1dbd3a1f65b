package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.testing.AccountsTable;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two DatabaseMigrations on one table run one after the other, the second saying which one it waits
 * for; one on another table runs at the same time. The claims are rows in the database's dovetail
 * schema, so they survive an operator restart.
 */
class MigrationSerialisationIT {
  static final String NS = "serial";
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final DovetailConfig CONFIG =
      DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300));

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 2_000);
    AccountsTable.create(db, "accounts", 1_000);
    harness = new KubeHarness();
    harness.startOperator(CONFIG);
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void sameTableWaitsForTheFirstOtherTablesRunAtOnce() {
    var client = harness.client();
    Manifests.create(client, Manifests.rename(NS, "first", "db", "users", "user_name", "username"));
    await("first", "True", Reasons.EXPANDED);

    Manifests.create(
        client,
        Manifests.migration(
            NS,
            "second",
            "db",
            Operation.createIndex(new CreateIndex("users", "users_email", List.of("email")))));
    Manifests.create(
        client,
        Manifests.migration(
            NS,
            "third",
            "db",
            Operation.createIndex(new CreateIndex("accounts", "accounts_code", List.of("code")))));

    var queued = await("second", "False", Reasons.QUEUED);
    assertEquals("Queued", queued.getStatus().getPhase());
    String message =
        Conditions.find(queued.getStatus().getConditions(), ConditionTypes.READY)
            .orElseThrow()
            .getMessage();
    assertTrue(
        message.startsWith(
            "waits for DatabaseMigration serial/first, which holds \"public\".\"users\""),
        message);
    await("third", "True", Reasons.EXPANDED);
    assertEquals(0, indexes("users_email"), "the queued migration ran no DDL");
    assertEquals(1, indexes("accounts_code"));
    assertEquals("serial/first", holder("users"));
    assertEquals("serial/third", holder("accounts"));

    // A restarted operator reads the same claims from the database.
    harness.stopOperator();
    harness.startOperator(CONFIG);
    assertEquals(
        Reasons.QUEUED,
        await("second", "False", Reasons.QUEUED).getStatus().getConditions().stream()
            .filter(c -> c.getType().equals(ConditionTypes.READY))
            .findFirst()
            .orElseThrow()
            .getReason());
    assertEquals(0, indexes("users_email"));

    Manifests.editSpec(client, NS, "first", s -> s.setPhase(MigrationPhase.Contract));
    await("first", "True", Reasons.CONTRACTED);
    await("second", "True", Reasons.EXPANDED);
    assertEquals(1, indexes("users_email"));
    assertEquals("serial/second", holder("users"));

    Manifests.editSpec(client, NS, "second", s -> s.setPhase(MigrationPhase.Abandon));
    await("second", "True", Reasons.ABANDONED);
    assertEquals(0, indexes("users_email"), "abandon removed the index");
    assertEquals(
        0,
        db.queryLong(
            "SELECT count(*) FROM dovetail.table_claims WHERE migration = 'serial/second'"),
        "abandon released the claim");
  }

  private DatabaseMigration await(String name, String status, String reason) {
    return awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        name,
        ConditionTypes.READY,
        status,
        reason,
        TIMEOUT);
  }

  private long indexes(String name) {
    return db.queryLong("SELECT count(*) FROM pg_class WHERE relname = '" + name + "'");
  }

  private String holder(String table) {
    return db.queryString(
        "SELECT migration FROM dovetail.table_claims WHERE table_name = '\"public\".\""
            + table
            + "\"'");
  }
}
