package dev.dovetail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.dovetail.api.v1alpha1.EventReason;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What {@code kubectl describe} reads, taken from a real integration run: the whole object (minus
 * managedFields, which describe skips) and the core/v1 Events whose involvedObject is that object,
 * with the moment they were read (Event ages are computed from it). Written to {@code
 * target/describe-fixtures/} and, the first time, to the committed {@code
 * src/test/resources/describe-fixtures/}. Later runs check that the committed copy still describes
 * what the operator does: the same Argo CD health summary ({@link StatusFixtures#health}), every
 * Event from the closed set {@link EventReason}, and the same last reason. Messages, counts and
 * times are kept as first recorded.
 */
public final class DescribeFixtures {
  public static final Path COMMITTED = Path.of("src/test/resources/describe-fixtures");
  static final Path PRODUCED = Path.of("target/describe-fixtures");
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private DescribeFixtures() {}

  public static void record(String name, KubernetesClient client, HasMetadata resource) {
    List<Event> events =
        client
            .v1()
            .events()
            .inNamespace(resource.getMetadata().getNamespace())
            .list()
            .getItems()
            .stream()
            .filter(e -> resource.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
            .toList();
    ObjectNode fixture = YAML.createObjectNode();
    fixture.put("recordedAt", Instant.now().toString());
    fixture.set("object", withoutManagedFields(Serialization.jsonMapper().valueToTree(resource)));
    ArrayNode list = fixture.putArray("events");
    events.forEach(e -> list.add(withoutManagedFields(Serialization.jsonMapper().valueToTree(e))));
    check(fixture);
    try {
      Files.createDirectories(PRODUCED);
      write(PRODUCED.resolve(name + ".yaml"), fixture);
      Path committed = COMMITTED.resolve(name + ".yaml");
      if (!Files.exists(committed)) {
        write(committed, fixture);
        throw new AssertionError(
            "describe fixture "
                + committed
                + " did not exist; it was written: review and commit it");
      }
      JsonNode kept = YAML.readTree(committed.toFile());
      if (!StatusFixtures.health(kept.path("object"))
              .equals(StatusFixtures.health(fixture.path("object")))
          || !lastReason(kept).equals(lastReason(fixture))) {
        throw new AssertionError(
            "the committed describe fixture %s drifted from what the operator produces now:%n committed %s, last Event %s%n produced  %s, last Event %s%n(delete it and rerun to record it again)"
                .formatted(
                    committed,
                    StatusFixtures.health(kept.path("object")),
                    lastReason(kept),
                    StatusFixtures.health(fixture.path("object")),
                    lastReason(fixture)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Events exist and every one has a reason of the closed set, with that reason's type. */
  private static void check(JsonNode fixture) {
    JsonNode events = fixture.path("events");
    if (events.isEmpty()) {
      throw new AssertionError("no Event was recorded for " + fixture.at("/object/metadata/name"));
    }
    for (JsonNode e : events) {
      var reason = EventReason.of(e.path("reason").asText());
      if (reason.isEmpty() || !reason.get().type().name().equals(e.path("type").asText())) {
        throw new AssertionError("Event is not of the closed set EventReason: " + e);
      }
    }
  }

  private static String lastReason(JsonNode fixture) {
    JsonNode last = null;
    for (JsonNode e : fixture.path("events")) {
      if (last == null
          || e.path("eventTime").asText().compareTo(last.path("eventTime").asText()) >= 0) {
        last = e;
      }
    }
    return last == null ? "" : last.path("reason").asText();
  }

  private static JsonNode withoutManagedFields(JsonNode node) {
    ObjectNode copy = node.deepCopy();
    ((ObjectNode) copy.path("metadata")).remove("managedFields");
    return copy;
  }

  private static void write(Path file, JsonNode fixture) throws IOException {
    Files.createDirectories(file.getParent());
    YAML.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), fixture);
  }
}
