package dev.dovetail.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.metrics.MetricsRoute;
import dev.dovetail.testing.DeployManifests;
import io.fabric8.kubernetes.api.model.ContainerPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scrape wiring in deploy/ agrees with itself and with the code: the metrics Service selects
 * the operator's pods, its port is the container's named port, and every annotation and the
 * ServiceMonitor name the path {@link MetricsRoute} serves. MetricsIT scrapes that same path on the
 * running operator.
 */
class DeployManifestsTest {

  @Test
  void theMetricsServiceSelectsTheOperatorPodsOnTheirHttpPort() {
    var service = DeployManifests.metricsService();
    var pod = DeployManifests.deployment().getSpec().getTemplate();
    Map<String, String> podLabels = pod.getMetadata().getLabels();
    service
        .getSpec()
        .getSelector()
        .forEach((k, v) -> assertEquals(v, podLabels.get(k), "the Service selects pod label " + k));
    assertEquals("None", service.getSpec().getClusterIP(), "headless: every replica is scraped");

    var servicePort = service.getSpec().getPorts().get(0);
    ContainerPort containerPort =
        DeployManifests.operatorContainer().getPorts().stream()
            .filter(p -> p.getName().equals(servicePort.getTargetPort().getStrVal()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("targetPort names no container port"));
    assertEquals(containerPort.getContainerPort(), servicePort.getPort());

    for (var annotations :
        List.of(service.getMetadata().getAnnotations(), pod.getMetadata().getAnnotations())) {
      assertEquals("true", annotations.get("prometheus.io/scrape"));
      assertEquals(
          String.valueOf(containerPort.getContainerPort()), annotations.get("prometheus.io/port"));
      assertEquals(MetricsRoute.PATH, annotations.get("prometheus.io/path"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theServiceMonitorScrapesTheServicesPortAndPath() {
    var monitor = DeployManifests.serviceMonitor();
    var spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
    var matchLabels =
        (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    var service = DeployManifests.metricsService();
    // kustomize's labels transformer gives the Service the labels of deploy/kustomization.yaml.
    Map<String, String> serviceLabels = kustomizeLabels("deploy");
    matchLabels.forEach((k, v) -> assertEquals(v, serviceLabels.get(k), "Service label " + k));
    var endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
    assertEquals(service.getSpec().getPorts().get(0).getName(), endpoint.get("port"));
    assertEquals(MetricsRoute.PATH, endpoint.get("path"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyListedResourceExistsAndTheMetricsServiceIsDeployed() {
    for (String dir : List.of("deploy", "deploy/monitoring")) {
      var resources =
          (List<String>)
              DeployManifests.kustomization(dir).getAdditionalProperties().get("resources");
      resources.forEach(r -> assertTrue(Files.exists(Path.of(dir, r)), dir + "/" + r));
      if (dir.equals("deploy")) {
        assertTrue(resources.contains("metrics-service.yaml"), "deploy/ applies the Service");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> kustomizeLabels(String dir) {
    var labels =
        (List<Map<String, Object>>)
            DeployManifests.kustomization(dir).getAdditionalProperties().get("labels");
    return (Map<String, String>) labels.get(0).get("pairs");
  }
}
