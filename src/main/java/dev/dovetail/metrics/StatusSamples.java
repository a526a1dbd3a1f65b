package dev.dovetail.metrics;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigrationStatus;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metrics out of what the reconcilers write to status, so the numbers a scrape shows are
 * the ones {@code kubectl get -o yaml} shows. Absent status fields give absent samples.
 */
final class StatusSamples {
  /** Conditions that are not a gate: the summary ones. */
  private static final Set<String> NOT_GATES =
      Set.of(ConditionTypes.READY, ConditionTypes.PROGRESSING, ConditionTypes.DEGRADED);

  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");
  private static final Pattern DURATION = Pattern.compile("^(([0-9]+(\\.[0-9]+)?)(ms|s|m|h))+$");

  private StatusSamples() {}

  static List<Sample> migration(DatabaseMigrationStatus status) {
    List<Sample> out = new ArrayList<>();
    if (status == null) {
      return out;
    }
    var backfill = status.getBackfill();
    if (backfill != null) {
      add(out, Metrics.BACKFILL_ROWS_DONE, backfill.rowsDone());
      add(out, Metrics.BACKFILL_ROWS_PLANNED, backfill.rowsTotal());
      add(out, Metrics.BACKFILL_ROWS_UPDATED, backfill.rowsUpdated());
      add(out, Metrics.BACKFILL_ROWS_PER_SECOND, backfill.rowsPerSecond());
      out.add(Sample.of(Metrics.BACKFILL_THROTTLED, backfill.throttled() == null ? 0 : 1));
    }
    lagSeconds(status.getReplicationLag())
        .ifPresent(s -> out.add(Sample.of(Metrics.REPLICATION_LAG_SECONDS, s)));
    var verification = status.getVerification();
    if (verification != null) {
      add(out, Metrics.VERIFICATION_ROWS_CHECKED, verification.rowsChecked());
      add(out, Metrics.VERIFICATION_ROWS_PENDING, verification.rowsPending());
      add(out, Metrics.VERIFICATION_MISMATCHES, verification.rowsDiffering());
    }
    conditions(out, status.getConditions());
    return out;
  }

  static List<Sample> cutover(DualWriteCutoverStatus status) {
    List<Sample> out = new ArrayList<>();
    if (status == null) {
      return out;
    }
    var copy = status.getCopy();
    if (copy != null) {
      add(out, Metrics.COPY_ROWS, copy.rowsCopied());
      add(out, Metrics.COPY_RANGES_DONE, copy.rangesDone());
      add(out, Metrics.COPY_RANGES_PLANNED, copy.rangesTotal());
    }
    lagSeconds(status.getReplicationLag())
        .ifPresent(s -> out.add(Sample.of(Metrics.REPLICATION_LAG_SECONDS, s)));
    add(out, Metrics.REPLICATION_SLOT_LAG_BYTES, status.getSlotLagBytes());
    var verification = status.getVerification();
    if (verification != null) {
      add(out, Metrics.VERIFICATION_CHUNKS, verification.chunksCompared());
      add(out, Metrics.VERIFICATION_ROWS_CHECKED, verification.rowsCompared());
      add(out, Metrics.VERIFICATION_MISMATCHES, verification.differing());
      add(out, Metrics.VERIFICATION_ROWS_REPAIRED, verification.missingRepaired());
    }
    if (status.getReadFromTargetPercent() != null) {
      out.add(Sample.of(Metrics.READ_FROM_TARGET_RATIO, status.getReadFromTargetPercent() / 100.0));
    }
    conditions(out, status.getConditions());
    return out;
  }

  private static void conditions(List<Sample> out, List<Condition> conditions) {
    if (conditions == null) {
      return;
    }
    for (Condition c : conditions) {
      double value = "True".equals(c.getStatus()) ? 1 : 0;
      if (ConditionTypes.READY.equals(c.getType())) {
        out.add(Sample.of(Metrics.READY, value));
      } else if (!NOT_GATES.contains(c.getType())) {
        out.add(new Sample(Metrics.GATE_OPEN, Map.of("gate", c.getType()), value));
      }
    }
  }

  private static void add(List<Sample> out, MetricFamily family, Number value) {
    if (value != null) {
      out.add(Sample.of(family, value.doubleValue()));
    }
  }

  /**
   * Status shows lag as the operator formats durations (850ms, 12.3s, 4m10s, 1h2m); "no replicas"
   * and other words give no sample rather than a made-up zero.
   */
  static java.util.Optional<Double> lagSeconds(String text) {
    if (text == null || !DURATION.matcher(text).matches()) {
      return java.util.Optional.empty();
    }
    double seconds = 0;
    Matcher m = DURATION_PART.matcher(text);
    while (m.find()) {
      double n = Double.parseDouble(m.group(1));
      seconds +=
          switch (m.group(2)) {
            case "ms" -> n / 1000;
            case "s" -> n;
            case "m" -> n * 60;
            default -> n * 3600;
          };
    }
    return java.util.Optional.of(seconds);
  }
}
