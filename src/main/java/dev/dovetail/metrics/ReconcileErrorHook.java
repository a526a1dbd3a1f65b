package dev.dovetail.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import java.util.Locale;
import java.util.Map;

/**
 * JOSDK's monitoring callback for failed reconciles, counted by controller name: it sees every
 * exception of a reconcile or cleanup, including ones JOSDK itself raises (a status update conflict
 * that ran out of retries), which no reconciler's own try/catch would.
 */
final class ReconcileErrorHook implements io.javaoperatorsdk.operator.api.monitoring.Metrics {
  private final Metrics metrics;

  ReconcileErrorHook(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    Object controller = metadata == null ? null : metadata.get(Constants.CONTROLLER_NAME);
    metrics.reconcileFailed(
        controller != null ? controller.toString() : resource.getKind().toLowerCase(Locale.ROOT));
  }
}
