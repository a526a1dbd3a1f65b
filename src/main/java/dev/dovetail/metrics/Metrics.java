package dev.dovetail.metrics;

import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationStatus;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The operator's Prometheus metrics: per resource, what its last reconcile wrote to status
 * (replaced whole on each record, dropped when the resource is deleted), and reconcile errors per
 * controller. One instance per operator; {@link #scrape()} renders the text exposition served at
 * {@code /q/metrics}. Every metric is documented in README.md ("Metrics").
 */
public final class Metrics {
  public static final MetricFamily BACKFILL_ROWS_DONE =
      MetricFamily.gauge("dovetail_backfill_rows_done", "Rows the backfill has examined so far.");
  public static final MetricFamily BACKFILL_ROWS_PLANNED =
      MetricFamily.gauge(
          "dovetail_backfill_rows_planned",
          "Estimated rows in the backfilled tables when the backfill started.");
  public static final MetricFamily BACKFILL_ROWS_UPDATED =
      MetricFamily.gauge(
          "dovetail_backfill_rows_updated",
          "Rows the backfill changed (the others were already in sync).");
  public static final MetricFamily BACKFILL_ROWS_PER_SECOND =
      MetricFamily.gauge(
          "dovetail_backfill_rows_per_second", "Average rows examined per second so far.");
  public static final MetricFamily BACKFILL_THROTTLED =
      MetricFamily.gauge(
          "dovetail_backfill_throttled",
          "1 while the backfill waits: spec.paused, replica lag or database load (lock waits,"
              + " active backends).");
  public static final MetricFamily COPY_ROWS =
      MetricFamily.gauge(
          "dovetail_copy_rows", "Rows the DualWriteCutover's initial copy has copied so far.");
  public static final MetricFamily COPY_RANGES_DONE =
      MetricFamily.gauge("dovetail_copy_ranges_done", "Primary-key ranges copied.");
  public static final MetricFamily COPY_RANGES_PLANNED =
      MetricFamily.gauge("dovetail_copy_ranges_planned", "Primary-key ranges of the copy in all.");
  public static final MetricFamily REPLICATION_LAG_SECONDS =
      MetricFamily.gauge(
          "dovetail_replication_lag_seconds",
          "Worst replica lag (DatabaseMigration) or source-to-target lag (DualWriteCutover).");
  public static final MetricFamily REPLICATION_SLOT_LAG_BYTES =
      MetricFamily.gauge(
          "dovetail_replication_slot_lag_bytes",
          "WAL the DualWriteCutover's replication slot holds back on the source.");
  public static final MetricFamily VERIFICATION_CHUNKS =
      MetricFamily.gauge(
          "dovetail_verification_chunks", "Key chunks compared in the latest verification round.");
  public static final MetricFamily VERIFICATION_ROWS_CHECKED =
      MetricFamily.gauge(
          "dovetail_verification_rows_checked", "Rows compared by the latest verification.");
  public static final MetricFamily VERIFICATION_ROWS_PENDING =
      MetricFamily.gauge(
          "dovetail_verification_rows_pending",
          "Rows whose new side was still missing in the latest verification.");
  public static final MetricFamily VERIFICATION_MISMATCHES =
      MetricFamily.gauge(
          "dovetail_verification_mismatches", "Rows that differed in the latest verification.");
  public static final MetricFamily VERIFICATION_ROWS_REPAIRED =
      MetricFamily.gauge(
          "dovetail_verification_rows_repaired",
          "Rows missing on the target that the latest round copied from the source.");

  /**
   * A ratio, not a percent: Prometheus' base unit for a fraction (spec.readFromTargetPercent/100).
   */
  public static final MetricFamily READ_FROM_TARGET_RATIO =
      MetricFamily.gauge(
          "dovetail_read_from_target_ratio",
          "Fraction of reads (0 to 1) the routing flag sends to the target.");

  public static final MetricFamily GATE_OPEN =
      MetricFamily.gauge(
          "dovetail_gate_open", "1 when the gate (a status condition) is True, else 0.");
  public static final MetricFamily READY =
      MetricFamily.gauge(
          "dovetail_ready", "1 when the resource's Ready condition is True, else 0.");
  public static final MetricFamily RECONCILE_ERRORS =
      MetricFamily.counter(
          "dovetail_reconcile_errors_total", "Reconciles that ended in an exception (retried).");

  /** In exposition order. */
  public static final List<MetricFamily> FAMILIES =
      List.of(
          BACKFILL_ROWS_DONE,
          BACKFILL_ROWS_PLANNED,
          BACKFILL_ROWS_UPDATED,
          BACKFILL_ROWS_PER_SECOND,
          BACKFILL_THROTTLED,
          COPY_ROWS,
          COPY_RANGES_DONE,
          COPY_RANGES_PLANNED,
          REPLICATION_LAG_SECONDS,
          REPLICATION_SLOT_LAG_BYTES,
          VERIFICATION_CHUNKS,
          VERIFICATION_ROWS_CHECKED,
          VERIFICATION_ROWS_PENDING,
          VERIFICATION_MISMATCHES,
          VERIFICATION_ROWS_REPAIRED,
          READ_FROM_TARGET_RATIO,
          GATE_OPEN,
          READY,
          RECONCILE_ERRORS);

  /** Controllers whose error counter is shown from the start, at 0. */
  public static final List<String> CONTROLLERS = List.of("databasemigration", "dualwritecutover");

  private record ResourceKey(String kind, String namespace, String name)
      implements Comparable<ResourceKey> {
    @Override
    public int compareTo(ResourceKey o) {
      return (kind + "/" + namespace + "/" + name)
          .compareTo(o.kind + "/" + o.namespace + "/" + o.name);
    }
  }

  private final Map<ResourceKey, List<Sample>> resources = new ConcurrentSkipListMap<>();
  private final Map<String, LongAdder> reconcileErrors = new ConcurrentHashMap<>();

  public Metrics() {
    CONTROLLERS.forEach(c -> reconcileErrors.put(c, new LongAdder()));
  }

  /** The status a DatabaseMigration reconcile just computed (written or unchanged). */
  public void recordMigration(DatabaseMigration migration, DatabaseMigrationStatus status) {
    resources.put(key(migration), List.copyOf(StatusSamples.migration(status)));
  }

  /** Call after each DualWriteCutover reconcile, with the status it wrote on the resource. */
  public void recordCutover(DualWriteCutover cutover) {
    recordCutover(cutover, cutover.getStatus());
  }

  /** The status a DualWriteCutover reconcile just computed (written or unchanged). */
  public void recordCutover(DualWriteCutover cutover, DualWriteCutoverStatus status) {
    resources.put(key(cutover), List.copyOf(StatusSamples.cutover(status)));
  }

  /** Drops a deleted resource's series (call when its finalizer is removed). */
  public void forget(HasMetadata resource) {
    resources.remove(key(resource));
  }

  public void reconcileFailed(String controller) {
    reconcileErrors.computeIfAbsent(controller, c -> new LongAdder()).increment();
  }

  /** The same counter fed from JOSDK's monitoring callbacks (register on the Operator). */
  public io.javaoperatorsdk.operator.api.monitoring.Metrics reconcileErrorHook() {
    return new ReconcileErrorHook(this);
  }

  /** The text exposition. */
  public String scrape() {
    var snapshot = Map.copyOf(resources);
    var ordered = new java.util.TreeMap<>(snapshot);
    StringBuilder out = new StringBuilder();
    for (MetricFamily family : FAMILIES) {
      PrometheusText.header(out, family);
      if (family == RECONCILE_ERRORS) {
        new java.util.TreeMap<>(reconcileErrors)
            .forEach(
                (controller, n) ->
                    PrometheusText.sample(
                        out, family.name(), Map.of("controller", controller), n.sum()));
        continue;
      }
      ordered.forEach(
          (key, samples) -> {
            for (Sample s : samples) {
              if (s.family() == family) {
                PrometheusText.sample(out, family.name(), labels(key, s), s.value());
              }
            }
          });
    }
    return out.toString();
  }

  public static String contentType() {
    return PrometheusText.CONTENT_TYPE;
  }

  private static Map<String, String> labels(ResourceKey key, Sample s) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("kind", key.kind());
    labels.put("namespace", key.namespace());
    labels.put("name", key.name());
    new java.util.TreeMap<>(s.extraLabels()).forEach(labels::put);
    return labels;
  }

  private static ResourceKey key(HasMetadata resource) {
    return new ResourceKey(
        resource.getKind(),
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName());
  }
}
