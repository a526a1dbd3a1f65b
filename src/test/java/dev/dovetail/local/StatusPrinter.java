package dev.dovetail.local;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Streams a DatabaseMigration's status transitions to the terminal as they happen. */
final class StatusPrinter {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private String lastLine;
  private String lastReady = "no status yet";

  StatusPrinter(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /** Waits until Ready=True with this reason; null on failure or timeout. */
  DatabaseMigration until(String readyReason, Duration limit) throws InterruptedException {
    return poll(
        limit,
        m ->
            ready(m) != null
                && "True".equals(ready(m).getStatus())
                && readyReason.equals(ready(m).getReason()));
  }

  DatabaseMigration untilReadyForRequestedPhase(Duration limit) throws InterruptedException {
    return poll(limit, LocalMode::readyFor);
  }

  String lastReady() {
    return lastReady;
  }

  private DatabaseMigration poll(
      Duration limit, java.util.function.Predicate<DatabaseMigration> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      var m = client.resources(DatabaseMigration.class).inNamespace(namespace).withName(name).get();
      print(m);
      if (m != null && done.test(m)) {
        return m;
      }
      Condition ready = ready(m);
      if (ready != null
          && "False".equals(ready.getStatus())
          && LocalMode.FAILED_REASONS.contains(ready.getReason())
          && Objects.equals(
              m.getStatus().getObservedGeneration(), m.getMetadata().getGeneration())) {
        return null;
      }
      Thread.sleep(200);
    }
    lastReady = "time limit of " + limit + " passed; last status: " + lastReady;
    return null;
  }

  private void print(DatabaseMigration m) {
    if (m == null || m.getStatus() == null) {
      return;
    }
    var s = m.getStatus();
    Condition progressing =
        s.getConditions().stream()
            .filter(c -> c.getType().equals(ConditionTypes.PROGRESSING))
            .findFirst()
            .orElse(null);
    String line =
        "%-12s %-9s %s"
            .formatted(
                s.getPhase(),
                s.getProgress() == null ? "" : s.getProgress().split(" ")[0],
                progressing == null
                    ? ""
                    : progressing.getReason() + ": " + progressing.getMessage());
    Condition ready = ready(m);
    if (ready != null) {
      lastReady =
          "Ready=" + ready.getStatus() + " " + ready.getReason() + ": " + ready.getMessage();
    }
    if (!line.equals(lastLine)) {
      Console.say("%s %s", name, line);
      lastLine = line;
    }
  }

  private static Condition ready(DatabaseMigration m) {
    if (m == null || m.getStatus() == null) {
      return null;
    }
    return m.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(ConditionTypes.READY))
        .findFirst()
        .orElse(null);
  }
}
