package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.Event;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The long-transaction pre-check: a transaction older than gates.longTransactionWarning holding a
 * lock on the migrated table is reported before DDL (status.longTransactions, the condition message
 * with its age, a Warning Event with its pid) without blocking anything by itself; expand proceeds
 * once it ends. One on an unrelated table is not reported.
 */
class MigrationLongTransactionIT {
  static final String NS = "longtx";

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 2_000);
    harness = new KubeHarness();
    harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(300)));
    Manifests.namespaceWithDatabaseSecret(harness.client(), NS, "db", db.uri());
  }

  @AfterEach
  void tearDown() {
    harness.close();
    db.close();
  }

  @Test
  void aLongTransactionOnTheTableIsReportedAndExpandProceedsOnceItEnds() throws Exception {
    try (Connection open = db.connect()) {
      open.setAutoCommit(false);
      int pid = pidAndLock(open, "SELECT count(*) FROM users");
      Thread.sleep(1_200);
      var m = Manifests.rename(NS, "old-tx", "db", "users", "user_name", "username");
      m.getSpec().getGates().setLongTransactionWarning("1s");
      Manifests.create(harness.client(), m);

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !longTransactions("old-tx").isEmpty());
      List<String> reported = longTransactions("old-tx");
      assertEquals(1, reported.size(), reported.toString());
      assertTrue(
          reported
              .get(0)
              .matches(
                  "pid "
                      + pid
                      + " \\(idle in transaction since .*\\): SELECT count\\(\\*\\) FROM users"),
          reported.get(0));
      String message = readyMessage("old-tx");
      assertTrue(
          message.contains(
              "1 long-running transaction(s) hold locks on the tables to change (reported, not"
                  + " blocking): pid "
                  + pid
                  + " (idle in transaction, transaction open "),
          message);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  warnings().stream().anyMatch(e -> e.getMessage().contains("pid " + pid + " (")));
      open.commit();
    }
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "old-tx",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
    assertEquals(List.of(), longTransactions("old-tx"), "nothing left to report after expand");
    assertEquals(1, warnings().size(), "one Warning per transaction, not one per pass");
  }

  @Test
  void aLongTransactionOnAnotherTableIsNotReported() throws Exception {
    db.execute("CREATE TABLE unrelated (id int)");
    try (Connection open = db.connect()) {
      open.setAutoCommit(false);
      pidAndLock(open, "SELECT count(*) FROM unrelated");
      Thread.sleep(1_200);
      var m = Manifests.rename(NS, "elsewhere", "db", "users", "user_name", "username");
      m.getSpec().getGates().setLongTransactionWarning("1s");
      Manifests.create(harness.client(), m);
      awaitCondition(
          harness.client(),
          DatabaseMigration.class,
          NS,
          "elsewhere",
          ConditionTypes.READY,
          "True",
          Reasons.EXPANDED,
          Duration.ofMinutes(2));
      assertEquals(List.of(), warnings(), "no Warning for a transaction on another table");
      open.rollback();
    }
  }

  /** Runs a query in the open transaction (its lock stays until the end) and returns its pid. */
  private static int pidAndLock(Connection open, String query) throws Exception {
    try (var s = open.createStatement()) {
      s.executeQuery(query).close();
      try (var rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        int pid = rs.getInt(1);
        // The last statement pg_stat_activity shows is the one that took the lock.
        s.executeQuery(query).close();
        return pid;
      }
    }
  }

  private List<String> longTransactions(String name) {
    var status = Manifests.get(harness.client(), NS, name).getStatus();
    return status == null ? List.of() : status.getLongTransactions();
  }

  private String readyMessage(String name) {
    return Conditions.find(
            Manifests.get(harness.client(), NS, name).getStatus().getConditions(),
            ConditionTypes.READY)
        .map(c -> c.getMessage())
        .orElse("");
  }

  private List<Event> warnings() {
    return harness.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> Reasons.LONG_RUNNING_TRANSACTION.equals(e.getReason()))
        .filter(e -> "Warning".equals(e.getType()))
        .toList();
  }
}
