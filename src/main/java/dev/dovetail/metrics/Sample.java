package dev.dovetail.metrics;

import java.util.Map;

/** One value of a metric for one resource; {@code extraLabels} beyond kind, namespace and name. */
record Sample(MetricFamily family, Map<String, String> extraLabels, double value) {
  static Sample of(MetricFamily family, double value) {
    return new Sample(family, Map.of(), value);
  }
}
