package dev.dovetail.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dovetail.testing.StatusAssertions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.testcontainers.DockerClientFactory;

/**
 * The real-cluster suite ({@code make test-e2e}): k3s in Docker, the operator image of {@code make
 * image} loaded into it, {@code crds/} and {@code deploy/} applied, PostgreSQL running in the
 * cluster, and every sample under {@code samples/} run to its end as the operator's own pods and
 * Jobs do it. Without a Docker engine the whole class is skipped and says why; it never passes
 * without having run.
 */
class SamplesE2E {
  static final Path IMAGE = Path.of("target/dovetail-operator-image.tar");
  static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(10);

  /** Scenarios run side by side, bounded so the node's memory holds their Jobs' pods. */
  static final int PARALLEL_SCENARIOS = 3;

  static K3sCluster cluster;
  static ExecutorService scenarios;

  /** Starts the cluster, or aborts the test (reported as skipped) when there is no engine. */
  static void startCluster() throws Exception {
    dockerProblem()
        .ifPresent(
            problem -> {
              String reason = "no Docker engine on this machine: " + problem;
              System.out.println("[SamplesE2E] SKIPPED: " + reason);
              Assumptions.abort(reason);
            });
    if (!Files.isRegularFile(IMAGE)) {
      throw new IllegalStateException(IMAGE + " is missing: run `make image` (make test-e2e does)");
    }
    cluster = new K3sCluster();
    cluster.start();
    cluster.importImage(IMAGE);
    cluster.applyCrds(Path.of("crds"));
    cluster.deployOperator(Path.of("deploy"));
    ClusterPostgres.prepare(cluster);
    ClusterPostgres.PRIMARY.start(cluster);
    ClusterPostgres.PRIMARY.loadFixture(cluster);
    ClusterPostgres.TARGET.start(cluster);
    scenarios = Executors.newFixedThreadPool(PARALLEL_SCENARIOS);
  }

  @AfterAll
  static void stopCluster() {
    if (scenarios != null) {
      scenarios.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everySampleRunsToItsEnd() throws Exception {
    var catalog = SampleScenario.load(Path.of("samples"));
    assertFalse(catalog.scenarios().isEmpty(), "samples/ has scenarios");
    startCluster();
    catalog
        .leftOut()
        .forEach(o -> System.out.println("[SamplesE2E] not applied (not runnable here): " + o));
    Map<SampleScenario, Future<String>> running = new LinkedHashMap<>();
    for (SampleScenario scenario : catalog.scenarios()) {
      running.put(scenario, scenarios.submit(() -> run(scenario)));
    }
    List<Executable> outcomes = new ArrayList<>();
    running.forEach(
        (scenario, outcome) ->
            outcomes.add(
                () -> {
                  try {
                    System.out.println("[SamplesE2E] " + scenario.name() + ": " + outcome.get());
                  } catch (java.util.concurrent.ExecutionException e) {
                    System.out.println("[SamplesE2E] " + scenario.name() + ": FAILED");
                    throw new AssertionError(
                        scenario.name() + ": " + e.getCause().getMessage(), e.getCause());
                  }
                }));
    try {
      assertAll("every sample reaches its end", outcomes);
    } catch (AssertionError e) {
      System.out.println(cluster.diagnostics());
      throw e;
    }
  }

  /** Applies each step of the scenario and waits for its end; returns what it reached. */
  private static String run(SampleScenario scenario) throws Exception {
    KubernetesClient client = cluster.client();
    ClusterPostgres.PRIMARY.createFromFixture(cluster, scenario.database());
    if (scenario.needsTargetDatabase()) {
      ClusterPostgres.TARGET.createEmpty(cluster, scenario.targetDatabase());
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(scenario.namespace())
                .endMetadata()
                .build())
        .create();
    scenario
        .secrets()
        .forEach(
            (name, data) ->
                client
                    .secrets()
                    .inNamespace(scenario.namespace())
                    .resource(
                        new SecretBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .withStringData(data)
                            .build())
                    .create());
    var reached = new ArrayList<String>();
    for (SampleScenario.Step step : scenario.steps()) {
      GenericKubernetesResource resource =
          client
              .getKubernetesSerialization()
              .convertValue(scenario.manifest(step), GenericKubernetesResource.class);
      client.resource(resource).fieldManager("dovetail-e2e").forceConflicts().serverSideApply();
      var end = step.end();
      HasMetadata done =
          StatusAssertions.awaitCondition(
              client,
              kindClass(step.kind()),
              scenario.namespace(),
              step.resourceName(),
              end.type(),
              end.status(),
              end.reason(),
              SCENARIO_TIMEOUT);
      reached.add(
          Path.of("samples").relativize(step.file())
              + " → "
              + end
              + " (generation "
              + done.getMetadata().getGeneration()
              + ")");
    }
    return String.join("; ", reached);
  }

  private static Class<? extends HasMetadata> kindClass(String kind) {
    return switch (kind) {
      case "DatabaseMigration" -> dev.dovetail.api.v1alpha1.DatabaseMigration.class;
      case "DualWriteCutover" -> dev.dovetail.api.v1alpha1.DualWriteCutover.class;
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /**
   * Empty when Testcontainers finds an engine, else why not: the first failure's own words
   * (isDockerAvailable() drops them, and a second attempt only says "will not retry").
   */
  private static java.util.Optional<String> dockerProblem() {
    try {
      DockerClientFactory.instance().client();
      return java.util.Optional.empty();
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return java.util.Optional.of(
          "%s (DOCKER_HOST %s, /var/run/docker.sock %s)"
              .formatted(
                  message.lines().findFirst().orElse(message),
                  System.getenv("DOCKER_HOST") == null ? "unset" : System.getenv("DOCKER_HOST"),
                  Files.exists(Path.of("/var/run/docker.sock")) ? "present" : "absent"));
    }
  }
}
