package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.testing.AppWorkload;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rename of users.user_name → username as it happens in production, against the real primary
 * (with its streaming replica) and the operator running on the mock API server: the old application
 * runs from before expand until just before contract, the new one from Ready until after contract,
 * and both overlap.
 */
class RenameColumnIT {
  static final long ROWS = 200_000;
  static final String NS = "shop";
  static final Duration EXPAND_TIMEOUT = Duration.ofMinutes(4);

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, ROWS);
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(500)));
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "app-db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void renameUnderLiveTrafficLosesNothingAndFailsNoStatement() throws Exception {
    var client = harness.client();
    try (var oldApp = new AppWorkload("old", db.uri(), "user_name", ROWS, 1).start();
        var newApp = new AppWorkload("new", db.uri(), "username", ROWS, 0)) {
      Thread.sleep(500); // the old application is live before the migration exists
      Manifests.create(
          client,
          Manifests.rename(NS, "rename-user-name", "app-db", "users", "user_name", "username"));

      var expanded =
          awaitCondition(
              client,
              DatabaseMigration.class,
              NS,
              "rename-user-name",
              ConditionTypes.READY,
              "True",
              Reasons.EXPANDED,
              EXPAND_TIMEOUT);
      assertEquals("Expanded", expanded.getStatus().getPhase());
      assertEquals(
          0, db.queryLong("SELECT count(*) FROM users WHERE username IS DISTINCT FROM user_name"));
      assertTrue(expanded.getStatus().getPlan().size() >= 5, "the plan is in status");

      newApp.start();
      for (int i = 0; i < 6; i++) { // both versions write; the columns never disagree
        Thread.sleep(500);
        assertEquals(
            0,
            db.queryLong("SELECT count(*) FROM users WHERE username IS DISTINCT FROM user_name"),
            "user_name and username diverged while both applications ran");
      }
      oldApp.stop();

      Manifests.editSpec(client, NS, "rename-user-name", s -> s.setPhase(MigrationPhase.Contract));
      awaitCondition(
          client,
          DatabaseMigration.class,
          NS,
          "rename-user-name",
          ConditionTypes.READY,
          "True",
          Reasons.CONTRACTED,
          Duration.ofMinutes(2));
      Thread.sleep(500); // the new application keeps running through and after contract
      newApp.stop();

      report(oldApp, newApp);
      assertEquals(java.util.List.of(), oldApp.failures(), "old application statements failed");
      assertEquals(java.util.List.of(), newApp.failures(), "new application statements failed");
      assertTrue(
          oldApp.statements() > 100 && newApp.statements() > 100, "both applications did work");
      assertFalse(columnExists("user_name"), "contract dropped the old column");
      assertEquals(0, db.queryLong("SELECT count(*) FROM users WHERE username IS NULL"));
      assertEquals(
          "NO",
          db.queryString(
              "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'username'"),
          "NOT NULL moved to the new column");
      assertEquals(
          0, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail_sync_%'"));
      Map<Long, String> expected = new HashMap<>(oldApp.lastWritten());
      expected.putAll(newApp.lastWritten()); // disjoint: the two versions update different ids
      assertEquals(oldApp.lastWritten().size() + newApp.lastWritten().size(), expected.size());
      assertEveryValuePresent(expected);
    }
  }

  private void assertEveryValuePresent(Map<Long, String> expected) throws SQLException {
    try (Connection c = db.connect();
        var ps = c.prepareStatement("SELECT id, username FROM users WHERE id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("bigint", expected.keySet().toArray()));
      int seen = 0;
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          seen++;
          assertEquals(
              expected.get(rs.getLong(1)), rs.getString(2), "value of id " + rs.getLong(1));
        }
      }
      assertEquals(expected.size(), seen, "every row the applications wrote still exists");
    }
  }

  private boolean columnExists(String column) {
    return db.queryLong(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = '"
                + column
                + "'")
        > 0;
  }

  private static void report(AppWorkload... apps) {
    for (var app : apps) {
      System.out.printf(
          "[RenameColumnIT] %s application: %d statements, %d failed, longest %d ms%n",
          app.name(), app.statements(), app.failures().size(), app.longestStatement().toMillis());
    }
  }
}
