package dev.dovetail.postgres;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Every standby's lag at one moment. */
public record LagReading(Instant measuredAt, List<ReplicaLag> replicas) {

  public boolean noReplicas() {
    return replicas.isEmpty();
  }

  public Duration worst() {
    return replicas.stream()
        .map(ReplicaLag::lag)
        .max(Comparator.naturalOrder())
        .orElse(Duration.ZERO);
  }

  public String describe() {
    if (replicas.isEmpty()) {
      return "no replicas";
    }
    return replicas.stream()
        .map(
            r ->
                String.format(
                    Locale.ROOT,
                    "replica %s (%s, %s): %.1fs, %.1f MB behind",
                    r.name(),
                    r.clientAddress(),
                    r.state(),
                    r.lag().toMillis() / 1000.0,
                    r.bytesBehind() / 1_000_000.0))
        .collect(Collectors.joining("; "));
  }
}
