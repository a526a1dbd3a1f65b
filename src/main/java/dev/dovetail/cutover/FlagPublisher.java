package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.kube.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.Map;

/**
 * Writes the routing flag ConfigMap. It carries no owner reference on purpose: applications keep
 * routing by it after the cutover resource is completed or deleted, and a garbage-collected flag
 * would send them back to their default (the source).
 */
public final class FlagPublisher {
  private final KubernetesClient client;

  public FlagPublisher(KubernetesClient client) {
    this.client = client;
  }

  public static String configMapName(DualWriteCutover cutover) {
    return cutover.getSpec().getFlag().configMapNameOr(cutover.getMetadata().getName());
  }

  public static String flagKey(DualWriteCutover cutover) {
    return cutover.getSpec().getFlag().flagKeyOr(cutover.getMetadata().getName());
  }

  /** Publishes; a ConfigMap already holding these values is left alone. */
  public void publish(DualWriteCutover cutover, int readPercent, WriteTarget writes) {
    Map<String, String> data = FlagDefinition.data(flagKey(cutover), readPercent, writes);
    String name = configMapName(cutover);
    String ns = cutover.getMetadata().getNamespace();
    ConfigMap current = client.configMaps().inNamespace(ns).withName(name).get();
    if (current != null && data.equals(current.getData())) {
      return;
    }
    ConfigMap desired =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
            .addToLabels(
                Labels.OWNER,
                Labels.forChild(cutover.getMetadata().getName(), "flag").get(Labels.OWNER))
            .addToLabels(Labels.ROLE, "flag")
            .endMetadata()
            .withData(data)
            .build();
    client.configMaps().inNamespace(ns).resource(desired).createOr(NonDeletingOperation::update);
  }

  /** The percent and write target the flag carries now, or null when it was never published. */
  public Published read(DualWriteCutover cutover) {
    ConfigMap cm =
        client
            .configMaps()
            .inNamespace(cutover.getMetadata().getNamespace())
            .withName(configMapName(cutover))
            .get();
    if (cm == null || cm.getData() == null) {
      return null;
    }
    return new Published(
        Integer.parseInt(cm.getData().getOrDefault(FlagDefinition.READ_PERCENT_KEY, "0")),
        WriteTarget.valueOf(
            cm.getData().getOrDefault(FlagDefinition.WRITE_TARGET_KEY, WriteTarget.Source.name())));
  }

  /** What the flag ConfigMap says. */
  public record Published(int readPercent, WriteTarget writeTarget) {}
}
