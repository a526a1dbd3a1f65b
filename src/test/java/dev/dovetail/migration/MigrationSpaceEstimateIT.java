package dev.dovetail.migration;

import static dev.dovetail.testing.StatusAssertions.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CreateIndex;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.StatusFixtures;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disk-space estimate of the pre-checks, in status before any DDL: a backfill's equals the
 * table's heap as pg_relation_size says; a new index's is within a factor of two of the index the
 * build then produces.
 */
class MigrationSpaceEstimateIT {
  static final String NS = "space";

  KubeHarness harness;
  TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestPostgres.newPrimaryDatabase();
    UsersTable.create(db, 20_000);
    db.execute("ANALYZE users");
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
  void theEstimateIsInStatusBeforeDdlAndMatchesTheCatalog() {
    var m =
        Manifests.migration(
            NS,
            "sized",
            "db",
            Operation.renameColumn(new RenameColumn("public", "users", "user_name", "username")),
            Operation.createIndex(new CreateIndex("users", "users_email", List.of("email"))));
    m.getSpec().setDryRun(true);
    Manifests.create(harness.client(), m);
    var planned =
        awaitCondition(
            harness.client(),
            DatabaseMigration.class,
            NS,
            "sized",
            ConditionTypes.READY,
            "False",
            Reasons.DRY_RUN,
            Duration.ofSeconds(30));
    // README.md shows this status.spaceNeeded (ReadmeStatusTest checks it against the fixture).
    StatusFixtures.record("databasemigration-space-estimate", planned);
    List<String> space = planned.getStatus().getSpaceNeeded();
    assertEquals(2, space.size(), space.toString());
    long heap = db.queryLong("SELECT pg_relation_size('users')");
    assertTrue(heap > 0, "the table has pages");
    assertEquals(heap, bytes(space.get(0), "0:renameColumn"), space.get(0));
    long index = bytes(space.get(1), "1:createIndex");

    Manifests.editSpec(harness.client(), NS, "sized", s -> s.setDryRun(false));
    awaitCondition(
        harness.client(),
        DatabaseMigration.class,
        NS,
        "sized",
        ConditionTypes.READY,
        "True",
        Reasons.EXPANDED,
        Duration.ofMinutes(2));
    long built = db.queryLong("SELECT pg_relation_size('users_email')");
    assertTrue(
        built / 2 <= index && index <= built * 2,
        "estimate " + index + " bytes within a factor of two of the built index, " + built);
  }

  private static long bytes(String line, String label) {
    var match = Pattern.compile(Pattern.quote(label) + ": (\\d+) bytes \\(").matcher(line);
    assertTrue(match.lookingAt(), line);
    return Long.parseLong(match.group(1));
  }
}
