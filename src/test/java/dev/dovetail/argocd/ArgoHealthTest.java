package dev.dovetail.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.testing.StatusFixtures;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the Argo CD health scripts of deploy/argocd/ in the reference Lua 5.1 interpreter (Debian's
 * lua5.1; Argo CD's gopher-lua implements Lua 5.1, so a 5.2+ construct such as goto or table.unpack
 * fails here as it would there) against the fixtures StatusFixturesIT records from real runs, one
 * per phase and failure.
 */
class ArgoHealthTest {
  static final Path SCRIPTS = Path.of("deploy/argocd");
  static final String LUA = System.getProperty("dovetail.lua", "lua5.1");

  /** Fixture → the health Argo CD must show and a piece of the message it must carry. */
  static final Map<String, Expected> EXPECTED =
      Map.ofEntries(
          Map.entry("databasemigration-backfilling", of("Progressing", "Backfilling: ")),
          Map.entry("databasemigration-paused", of("Suspended", "spec.paused is true")),
          Map.entry(
              "databasemigration-queued",
              of("Progressing", "Queued: waits for DatabaseMigration fixtures/rename")),
          Map.entry("databasemigration-dry-run", of("Suspended", "Planned: spec.dryRun is true")),
          Map.entry(
              "databasemigration-space-estimate", of("Suspended", "Planned: spec.dryRun is true")),
          Map.entry(
              "databasemigration-stale-generation",
              of("Progressing", "Waiting for the Dovetail operator to observe generation")),
          Map.entry("databasemigration-expanded", of("Healthy", "Expanded: expand verified")),
          Map.entry("databasemigration-contracted", of("Healthy", "Contracted: contract done")),
          Map.entry(
              "databasemigration-contract-irreversible",
              of("Degraded", "moving spec.phase back to Expand cannot restore")),
          Map.entry("databasemigration-abandoned", of("Healthy", "Abandoned: ")),
          Map.entry("databasemigration-invalid-spec", of("Degraded", "Invalid: ")),
          Map.entry("databasemigration-database-unreachable", of("Degraded", "Blocked: ")),
          Map.entry(
              "databasemigration-expand-not-verified",
              of("Degraded", "was never expanded; apply it with phase Expand first")),
          Map.entry("databasemigration-backfill-failed", of("Degraded", "Failed: Job ")),
          Map.entry(
              "databasemigration-snapshot-volume-missing",
              of(
                  "Progressing",
                  "Snapshotting: spec.snapshot.volumeSnapshot.persistentVolumeClaimName:"
                      + " PersistentVolumeClaim pg-data not found")),
          Map.entry(
              "databasemigration-snapshot-pending",
              of("Progressing", "Snapshotting: started VolumeSnapshot snapshotted-snapshot-g1")),
          Map.entry(
              "databasemigration-snapshot-failed",
              of("Degraded", "Failed: VolumeSnapshot snapshotted-snapshot-g1 failed: quota")),
          Map.entry(
              "databasemigration-expand-timed-out",
              of("Degraded", "TimedOut: expand did not finish within spec.timeout 3.0s")),
          Map.entry(
              "databasemigration-verification-mismatch",
              of("Degraded", "Failed: 1 of 1000 rows differ")),
          Map.entry("dualwritecutover-copying", of("Progressing", "Copying: ")),
          Map.entry("dualwritecutover-verifying", of("Progressing", "Verifying: ")),
          Map.entry(
              "dualwritecutover-step-reached", of("Healthy", "Replicating: 0% of reads and the")),
          Map.entry(
              "dualwritecutover-gate-blocked",
              of("Progressing", "raise to 100% waits for ReplicationHealthy")),
          Map.entry(
              "dualwritecutover-rolled-back",
              of("Degraded", "Consistent turned False at 100% reads on the target")),
          Map.entry(
              "dualwritecutover-writes-on-target",
              of("Healthy", "WritesOnTarget: 100% of reads and the writes on the target")),
          Map.entry("dualwritecutover-completed", of("Healthy", "Completed: replication")),
          Map.entry(
              "dualwritecutover-database-unreachable",
              of("Degraded", "Pending: spec.source: cannot connect to")));

  record Expected(String status, String message) {}

  static Expected of(String status, String message) {
    return new Expected(status, message);
  }

  record Health(String status, String message) {}

  @Test
  void everyFixtureHasAnExpectationAndEveryExpectationAFixture() throws IOException {
    Set<String> fixtures;
    try (Stream<Path> files = Files.list(StatusFixtures.COMMITTED)) {
      fixtures =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .map(n -> n.substring(0, n.length() - ".yaml".length()))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(EXPECTED.keySet()), fixtures);
    Set<String> seen = new HashSet<>();
    EXPECTED.values().forEach(e -> seen.add(e.status()));
    assertEquals(
        Set.of("Progressing", "Healthy", "Suspended", "Degraded"),
        seen,
        "the fixtures cover every health status");
  }

  @TestFactory
  Stream<DynamicTest> theScriptsGiveTheRightHealthForEveryFixture() {
    return EXPECTED.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey(),
                    () -> {
                      JsonNode fixture = fixture(e.getKey());
                      Health health = run(scriptFor(fixture), fixture);
                      assertEquals(e.getValue().status(), health.status(), health.message());
                      assertTrue(
                          health.message().contains(e.getValue().message()),
                          "message «" + health.message() + "» names «" + e.getValue().message());
                    }));
  }

  @Test
  void aStatusWithoutConditionsIsProgressingNeverHealthy() throws Exception {
    JsonNode created =
        new ObjectMapper()
            .readTree(
                "{\"kind\":\"DatabaseMigration\",\"metadata\":{\"name\":\"m\",\"generation\":1},"
                    + "\"spec\":{\"phase\":\"Expand\"}}");
    assertEquals("Progressing", run(scriptFor(created), created).status());
  }

  @Test
  void everyDegradedReasonIsARealReason() throws Exception {
    Set<String> reasons = new HashSet<>();
    for (var f : Reasons.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        reasons.add((String) f.get(null));
      }
    }
    Pattern entry = Pattern.compile("^\\s+([A-Za-z]+) = true,$", Pattern.MULTILINE);
    for (String script : List.of("databasemigration-health.lua", "dualwritecutover-health.lua")) {
      var m = entry.matcher(Files.readString(SCRIPTS.resolve(script)));
      int found = 0;
      while (m.find()) {
        found++;
        assertTrue(reasons.contains(m.group(1)), script + ": " + m.group(1) + " is not a reason");
      }
      assertTrue(found > 0, script + " lists its degraded reasons");
    }
  }

  @Test
  void theKustomizationInstallsBothScriptsUnderArgoCdKeys() throws IOException {
    JsonNode k =
        new ObjectMapper(new YAMLFactory())
            .readTree(SCRIPTS.resolve("kustomization.yaml").toFile());
    JsonNode generator = k.path("configMapGenerator").get(0);
    assertEquals("argocd-cm", generator.path("name").asText());
    assertEquals("argocd", k.path("namespace").asText());
    assertTrue(k.path("generatorOptions").path("disableNameSuffixHash").asBoolean());
    var files =
        Arrays.stream(generator.path("files").toString().replaceAll("[\\[\\]\"]", "").split(","))
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "resource.customizations.health.dovetail.dev_DatabaseMigration=databasemigration-health.lua",
            "resource.customizations.health.dovetail.dev_DualWriteCutover=dualwritecutover-health.lua"),
        files);
  }

  static JsonNode fixture(String name) throws IOException {
    return new ObjectMapper(new YAMLFactory())
        .readTree(StatusFixtures.COMMITTED.resolve(name + ".yaml").toFile());
  }

  static Path scriptFor(JsonNode resource) {
    return SCRIPTS.resolve(resource.path("kind").asText().toLowerCase() + "-health.lua");
  }

  /** Runs a health script the way Argo CD does: obj is the resource, the chunk returns hs. */
  static Health run(Path script, JsonNode resource) throws Exception {
    String driver =
        "obj = "
            + LuaLiteral.of(resource)
            + "\nlocal hs = assert(loadfile("
            + LuaLiteral.string(script.toAbsolutePath().toString())
            + "))()\nio.write(hs.status, \"\\n\", hs.message)\n";
    Process lua;
    try {
      lua = new ProcessBuilder(LUA, "-").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "the Lua 5.1 interpreter '"
              + LUA
              + "' is needed to test the Argo CD health checks: apt-get install lua5.1 (.ci/run"
              + " installs it)",
          e);
    }
    lua.getOutputStream().write(driver.getBytes(StandardCharsets.UTF_8));
    lua.getOutputStream().close();
    String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(lua.waitFor(30, TimeUnit.SECONDS), "lua finished");
    assertEquals(0, lua.exitValue(), "lua failed: " + out);
    int nl = out.indexOf('\n');
    return new Health(out.substring(0, nl), out.substring(nl + 1));
  }
}
