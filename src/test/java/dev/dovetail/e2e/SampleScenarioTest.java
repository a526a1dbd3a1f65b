package dev.dovetail.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.Reasons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How the real-cluster suite turns samples/ into scenarios. This part runs everywhere; the cluster
 * run itself ({@link SamplesE2E}) needs Docker.
 */
class SampleScenarioTest {
  static final Path SAMPLES = Path.of("samples");

  @Test
  void everyDovetailResourceOfEverySampleIsOneStepOfOneScenario() throws IOException {
    var catalog = SampleScenario.load(SAMPLES);
    List<Path> withDovetailKinds;
    try (var walk = Files.walk(SAMPLES)) {
      withDovetailKinds =
          walk.filter(p -> p.toString().endsWith(".yaml"))
              .filter(SampleScenarioTest::hasDovetailKind)
              .sorted()
              .toList();
    }
    List<Path> covered =
        catalog.scenarios().stream()
            .flatMap(s -> s.steps().stream())
            .map(SampleScenario.Step::file)
            .sorted()
            .toList();
    assertEquals(withDovetailKinds, covered);
    assertEquals(
        List.of(
            "argocd/application.yaml: Application shop",
            "argocd/contract.yaml: Deployment shop",
            "argocd/expand.yaml: Deployment shop"),
        catalog.leftOut().stream().sorted().toList());
  }

  @Test
  void aFollowUpCommitRunsAfterItsExpandInTheSameNamespaceAndDatabase() throws IOException {
    var rename = scenario("rename-column");
    assertEquals(
        List.of("samples/rename-column.yaml", "samples/rename-column-contract.yaml"),
        rename.steps().stream().map(s -> s.file().toString()).toList());
    assertEquals(
        List.of(Reasons.EXPANDED, Reasons.CONTRACTED),
        rename.steps().stream().map(s -> s.end().reason()).toList());
    assertEquals("e2e-rename-column", rename.namespace());
    assertEquals(
        "e2e-rename-column",
        rename.manifest(rename.steps().get(1)).at("/metadata/namespace").asText());
    assertEquals(
        Map.of("app-db", Map.of("uri", ClusterPostgres.PRIMARY.uri("rename_column"))),
        rename.secrets());
  }

  @Test
  void aGateLongerThanTheRunIsTheEndTheScenarioWaitsFor() throws IOException {
    var argo = scenario("argocd-expand");
    assertEquals(
        List.of("samples/argocd/expand.yaml", "samples/argocd/contract.yaml"),
        argo.steps().stream().map(s -> s.file().toString()).toList());
    var contract = argo.steps().get(1).end();
    assertEquals("False", contract.status(), "minExpandDuration 24h holds the contract");
    assertEquals(Reasons.SOAKING, contract.reason());
    assertEquals(Reasons.CONTRACTED, scenario("drop-index").steps().get(0).end().reason());
  }

  @Test
  void theCutoverGetsTheFixtureAsSourceAndAnEmptyTargetOnAnotherServer() throws IOException {
    var cutover = scenario("dualwritecutover");
    assertTrue(cutover.needsTargetDatabase());
    assertEquals(
        Map.of(
            "source-db", Map.of("uri", ClusterPostgres.PRIMARY.uri("dualwritecutover")),
            "target-db", Map.of("uri", ClusterPostgres.TARGET.uri("dualwritecutover_target"))),
        cutover.secrets());
    assertTrue(ClusterPostgres.TARGET.uri("x").contains("@postgres-target."), "a second server");
    var end = cutover.steps().get(0).end();
    assertEquals("True", end.status());
    assertEquals(Reasons.STEP_REACHED, end.reason(), "phase Run at 0% reads, writes on Source");
    assertEquals("True", cutover.steps().get(0).end().status());
  }

  @Test
  void namespacesAndDatabasesAreDistinctAndValid() throws IOException {
    var scenarios = SampleScenario.load(SAMPLES).scenarios();
    var namespaces = new HashSet<String>();
    var databases = new HashSet<String>();
    for (var s : scenarios) {
      assertTrue(s.namespace().matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), s.namespace());
      assertTrue(s.database().matches("[a-z0-9_]{1,50}"), s.database());
      assertTrue(namespaces.add(s.namespace()), "unique namespace " + s.namespace());
      assertTrue(databases.add(s.database()), "unique database " + s.database());
    }
  }

  private static SampleScenario scenario(String name) throws IOException {
    var byName =
        SampleScenario.load(SAMPLES).scenarios().stream()
            .collect(Collectors.toMap(SampleScenario::name, s -> s));
    assertTrue(byName.containsKey(name), name + " in " + byName.keySet());
    return byName.get(name);
  }

  private static boolean hasDovetailKind(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .anyMatch(l -> l.equals("kind: DatabaseMigration") || l.equals("kind: DualWriteCutover"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
