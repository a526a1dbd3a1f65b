package dev.dovetail.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dovetail.testing.DeployManifests;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.Container;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probes in deploy/operator.yaml against the packaged operator: the paths and port the
 * Deployment names answer, liveness at once, readiness once the Quarkus Operator SDK has started
 * both controllers with healthy informers; the resources section is set.
 */
class HealthProbesIT {
  KubeHarness harness;
  OperatorProcess operator;

  @BeforeEach
  void setUp() {
    harness = new KubeHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (operator != null) {
      operator.close();
    }
    harness.close();
  }

  @Test
  void theDeploymentsProbesAnswerUpOnTheRunningOperator() throws Exception {
    Container container = DeployManifests.operatorContainer();
    assertEquals("http", container.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("http", container.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertEquals(
        8080,
        container.getPorts().stream()
            .filter(p -> "http".equals(p.getName()))
            .findFirst()
            .orElseThrow()
            .getContainerPort(),
        "the named port is Quarkus' default HTTP port, where /q/health is served");
    var resources = container.getResources();
    assertTrue(
        resources.getRequests().containsKey("cpu") && resources.getRequests().containsKey("memory"),
        "cpu and memory requests");
    assertTrue(resources.getLimits().containsKey("memory"), "a memory limit");

    operator = OperatorProcess.start(harness, "health", Map.of());
    String live = container.getLivenessProbe().getHttpGet().getPath();
    String ready = container.getReadinessProbe().getHttpGet().getPath();
    var liveness = operator.get(live);
    assertEquals(200, liveness.statusCode(), liveness.body());
    assertEquals("UP", json(liveness.body()).get("status").asText());

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> operator.get(ready).statusCode() == 200);
    JsonNode readiness = json(operator.get(ready).body());
    assertEquals("UP", readiness.get("status").asText(), readiness.toString());
    JsonNode check = readiness.get("checks").get(0);
    assertEquals("Quarkus Operator SDK health check", check.get("name").asText());
    assertEquals("OK", check.get("data").get("databasemigration").asText(), check.toString());
    assertEquals("OK", check.get("data").get("dualwritecutover").asText(), check.toString());
  }

  private static JsonNode json(String body) throws Exception {
    return new ObjectMapper().readTree(body);
  }
}
