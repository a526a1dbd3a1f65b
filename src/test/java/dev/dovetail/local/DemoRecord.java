package dev.dovetail.local;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * Leaves what `kubectl get -o yaml` and the Events section of `kubectl describe` would show in
 * {@code demo-out/}, so a person can read the whole status after the demo has gone.
 */
final class DemoRecord {
  static final Path DIR = Path.of("demo-out");

  private DemoRecord() {}

  static void snapshot(KubernetesClient client, HasMetadata resource, String label)
      throws IOException {
    Files.createDirectories(DIR);
    var current = client.resource(resource).get();
    Path file = DIR.resolve(resource.getMetadata().getName() + "-" + label + ".yaml");
    Files.writeString(file, client.getKubernetesSerialization().asYaml(current));
    Console.say("wrote %s", file);
  }

  static void events(KubernetesClient client, HasMetadata resource) throws IOException {
    Files.createDirectories(DIR);
    String table =
        client
            .v1()
            .events()
            .inNamespace(resource.getMetadata().getNamespace())
            .list()
            .getItems()
            .stream()
            // filtered here: the mock API server ignores field selectors
            .filter(e -> resource.getMetadata().getName().equals(e.getInvolvedObject().getName()))
            .sorted(Comparator.comparing(Event::getLastTimestamp))
            .map(e -> "%-8s %-22s %s".formatted(e.getType(), e.getReason(), e.getMessage()))
            .collect(Collectors.joining("\n", "TYPE     REASON                 MESSAGE\n", "\n"));
    Path file = DIR.resolve(resource.getMetadata().getName() + "-events.txt");
    Files.writeString(file, table);
    Console.say("wrote %s", file);
  }
}
