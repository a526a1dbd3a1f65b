package dev.dovetail.metrics;

/**
 * One metric of the exposition: its name (Prometheus conventions: {@code dovetail_} prefix, base
 * unit in the name, {@code _total} for counters), type and help text.
 */
public record MetricFamily(String name, String type, String help) {
  static MetricFamily gauge(String name, String help) {
    return new MetricFamily(name, "gauge", help);
  }

  static MetricFamily counter(String name, String help) {
    return new MetricFamily(name, "counter", help);
  }
}
