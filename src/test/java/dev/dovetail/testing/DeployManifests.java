package dev.dovetail.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The operator's own manifests under deploy/, read as the cluster would read them. */
public final class DeployManifests {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private DeployManifests() {}

  public static Deployment deployment() {
    return read("deploy/operator.yaml", Deployment.class);
  }

  public static Container operatorContainer() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  public static Service metricsService() {
    return read("deploy/metrics-service.yaml", Service.class);
  }

  /** The path Prometheus is told to scrape, from the metrics Service's annotations. */
  public static String metricsPath() {
    return metricsService().getMetadata().getAnnotations().get("prometheus.io/path");
  }

  public static GenericKubernetesResource serviceMonitor() {
    return read("deploy/monitoring/servicemonitor.yaml", GenericKubernetesResource.class);
  }

  public static GenericKubernetesResource kustomization(String dir) {
    return read(dir + "/kustomization.yaml", GenericKubernetesResource.class);
  }

  private static <T> T read(String file, Class<T> type) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return SERIALIZATION.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
