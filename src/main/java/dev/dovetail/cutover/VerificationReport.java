package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.kube.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ConfigMap that lists every differing key of the latest verification round (status shows a
 * sample). Owned by the cutover: it describes that resource's state and goes with it.
 */
final class VerificationReport {
  static final String ROUND_KEY = "round";
  static final String DIFFERING_KEY = "differingKeys";
  static final String COUNTS_KEY = "counts";

  private final KubernetesClient client;

  VerificationReport(KubernetesClient client) {
    this.client = client;
  }

  static String name(DualWriteCutover cutover) {
    return cutover.getMetadata().getName() + "-verification";
  }

  /** Writes the round's report; a ConfigMap already holding it is left alone. */
  void publish(DualWriteCutover cutover, VerificationView round) {
    var data = new LinkedHashMap<String, String>();
    data.put(ROUND_KEY, Long.toString(round.round()));
    data.put(
        COUNTS_KEY,
        String.format(
            java.util.Locale.ROOT,
            "chunks=%d rows=%d missingRepaired=%d differing=%d",
            round.chunksCompared(),
            round.rowsCompared(),
            round.missingRepaired(),
            round.differing()));
    data.put(
        DIFFERING_KEY,
        round.allDifferingKeys().isEmpty()
            ? ""
            : String.join("\n", round.allDifferingKeys()) + "\n");
    String ns = cutover.getMetadata().getNamespace();
    ConfigMap current = client.configMaps().inNamespace(ns).withName(name(cutover)).get();
    if (current != null && Map.copyOf(data).equals(current.getData())) {
      return;
    }
    ConfigMap desired =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name(cutover))
            .withNamespace(ns)
            .withLabels(Labels.forChild(cutover.getMetadata().getName(), "verification"))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(cutover.getApiVersion())
                    .withKind(cutover.getKind())
                    .withName(cutover.getMetadata().getName())
                    .withUid(cutover.getMetadata().getUid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withData(data)
            .build();
    client
        .configMaps()
        .inNamespace(ns)
        .resource(desired)
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
  }
}
