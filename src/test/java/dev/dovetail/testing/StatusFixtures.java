package dev.dovetail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Status fixtures for the Argo CD health checks, taken from real integration runs. {@link #record}
 * writes what the run produced to {@code target/argocd-fixtures/} and compares it with the
 * committed copy in {@code src/test/resources/argocd-fixtures/}: the part health depends on
 * (generation, spec.phase/paused, status.phase, observedGeneration, and the status and reason of
 * the Ready, Progressing and Degraded conditions) must match, so the committed fixtures cannot
 * drift from what the operator does. Messages, times and counts vary run to run and are kept as
 * first recorded. Run with {@code -Ddovetail.fixtures.update=true} to rewrite the committed copies
 * after a deliberate change.
 */
public final class StatusFixtures {
  public static final Path COMMITTED = Path.of("src/test/resources/argocd-fixtures");
  static final Path PRODUCED = Path.of("target/argocd-fixtures");
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  static final java.util.Set<String> HEALTH_CONDITIONS =
      java.util.Set.of("Ready", "Progressing", "Degraded");

  private StatusFixtures() {}

  /** Records the resource as fixture {@code name} and fails if the committed fixture drifted. */
  public static void record(String name, HasMetadata resource) {
    JsonNode fixture = fixture(resource);
    try {
      Files.createDirectories(PRODUCED);
      write(PRODUCED.resolve(name + ".yaml"), fixture);
      Path committed = COMMITTED.resolve(name + ".yaml");
      if (Boolean.getBoolean("dovetail.fixtures.update") || !Files.exists(committed)) {
        write(committed, fixture);
        if (!Boolean.getBoolean("dovetail.fixtures.update")) {
          throw new AssertionError(
              "fixture " + committed + " did not exist; it was written: review and commit it");
        }
        return;
      }
      JsonNode expected = health(YAML.readTree(committed.toFile()));
      JsonNode actual = health(fixture);
      if (!expected.equals(actual)) {
        throw new AssertionError(
            "the committed fixture %s drifted from what the operator produces now:%n committed %s%n produced  %s%n(rerun with -Ddovetail.fixtures.update=true if the change is deliberate, and review the health checks)"
                .formatted(committed, expected, actual));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What Argo CD's health script receives, minus what it never reads (uid, managedFields...). */
  static JsonNode fixture(HasMetadata resource) {
    JsonNode full = Serialization.jsonMapper().valueToTree(resource);
    ObjectNode out = YAML.createObjectNode();
    out.put("apiVersion", full.path("apiVersion").asText());
    out.put("kind", full.path("kind").asText());
    ObjectNode metadata = out.putObject("metadata");
    metadata.put("name", full.path("metadata").path("name").asText());
    metadata.put("namespace", full.path("metadata").path("namespace").asText());
    metadata.put("generation", full.path("metadata").path("generation").asLong());
    out.set("spec", full.path("spec"));
    if (full.has("status")) {
      out.set("status", full.path("status"));
    }
    return out;
  }

  /** The part of a fixture Argo CD health depends on, with conditions in a stable order. */
  public static JsonNode health(JsonNode fixture) {
    ObjectNode out = YAML.createObjectNode();
    out.put("generation", fixture.path("metadata").path("generation").asLong());
    out.put("spec.phase", fixture.path("spec").path("phase").asText(""));
    out.put("spec.paused", fixture.path("spec").path("paused").asBoolean(false));
    JsonNode status = fixture.path("status");
    out.put("status.phase", status.path("phase").asText(""));
    out.put("status.observedGeneration", status.path("observedGeneration").asLong(-1));
    List<JsonNode> conditions = new ArrayList<>();
    status.path("conditions").forEach(conditions::add);
    // Only the conditions the health scripts read: the others (ReplicationHealthy, ...) appear
    // and change with timing, which would make the drift check flaky without telling anything.
    conditions.removeIf(c -> !HEALTH_CONDITIONS.contains(c.path("type").asText()));
    conditions.sort(Comparator.comparing(c -> c.path("type").asText()));
    ArrayNode summary = out.putArray("conditions");
    for (JsonNode c : conditions) {
      summary.add(
          c.path("type").asText()
              + "="
              + c.path("status").asText()
              + "/"
              + c.path("reason").asText());
    }
    return out;
  }

  private static void write(Path file, JsonNode fixture) throws IOException {
    Files.createDirectories(file.getParent());
    YAML.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), fixture);
  }
}
