package dev.dovetail;

import dev.dovetail.cutover.DualWriteCutoverReconciler;
import dev.dovetail.metrics.Metrics;
import dev.dovetail.migration.DatabaseMigrationReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.util.List;

/**
 * Every reconciler of the operator, built the same way in the operator image (through Quarkus, see
 * {@link DovetailProducers}), in local mode and in the integration tests.
 */
public final class DovetailReconcilers {
  private DovetailReconcilers() {}

  public static List<Reconciler<?>> create(DovetailConfig config, KubernetesClient client) {
    return create(config, client, new Metrics());
  }

  /** With the operator's {@link Metrics}, which the reconcilers feed from the status they write. */
  public static List<Reconciler<?>> create(
      DovetailConfig config, KubernetesClient client, Metrics metrics) {
    return List.of(
        new DatabaseMigrationReconciler(config, metrics),
        new DualWriteCutoverReconciler(config, metrics));
  }
}
