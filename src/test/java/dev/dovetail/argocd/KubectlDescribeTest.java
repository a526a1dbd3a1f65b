package dev.dovetail.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dovetail.testing.DescribeFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renders {@code kubectl describe dbm rename} for the real object and Events StatusFixturesIT
 * recorded when the migration had contracted, and checks that README.md carries exactly that
 * output. Event ages are computed from the moment the fixture was recorded. Run with {@code
 * -Ddovetail.docs.print=true} to print it.
 */
class KubectlDescribeTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final String FIXTURE = "databasemigration-contracted";

  @Test
  void theDocumentedKubectlDescribeOutputIsWhatKubectlPrintsForTheRecordedObject()
      throws IOException {
    JsonNode fixture =
        YAML.readTree(DescribeFixtures.COMMITTED.resolve(FIXTURE + ".yaml").toFile());
    List<JsonNode> events = new ArrayList<>();
    fixture.path("events").forEach(events::add);
    String out =
        KubectlDescribe.describe(
            fixture.path("object"), events, Instant.parse(fixture.path("recordedAt").asText()));
    if (Boolean.getBoolean("dovetail.docs.print")) {
      System.out.println(out);
    }
    assertTrue(out.startsWith("Name:         rename\nNamespace:    fixtures\n"), out);
    assertTrue(out.contains("\nEvents:\n  Type    Reason"), out);
    String docs = Files.readString(Path.of("README.md"));
    assertTrue(
        docs.contains("```\n$ kubectl describe dbm rename -n fixtures\n" + out + "```"),
        "README.md shows the rendered output:\n" + out);
  }

  @Test
  void labelsAreKubectlsSmartLabels() {
    assertEquals("API Version", KubectlDescribe.smartLabel("apiVersion"));
    assertEquals("Observed Generation", KubectlDescribe.smartLabel("observedGeneration"));
    assertEquals("UID", KubectlDescribe.smartLabel("uid"));
    assertEquals("Rows Per Second", KubectlDescribe.smartLabel("rowsPerSecond"));
    assertEquals("Secret Ref", KubectlDescribe.smartLabel("secretRef"));
    assertEquals(List.of("URL", "Path"), KubectlDescribe.camelCaseSplit("URLPath"));
    assertEquals("field2", KubectlDescribe.smartLabel("field2"), "non-letters: left as is");
  }

  @Test
  void agesAreHumanDurations() {
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    assertEquals("17s", KubectlDescribe.age(now.minusSeconds(17), now));
    assertEquals("119s", KubectlDescribe.age(now.minusSeconds(119), now));
    assertEquals("2m5s", KubectlDescribe.age(now.minusSeconds(125), now));
    assertEquals("3m", KubectlDescribe.age(now.minusSeconds(180), now));
    assertEquals("42m", KubectlDescribe.age(now.minusSeconds(42 * 60 + 5), now));
    assertEquals("3h5m", KubectlDescribe.age(now.minusSeconds(3 * 3600 + 300), now));
    assertEquals("0s", KubectlDescribe.age(now.plusMillis(500), now), "clock skew under 2s");
  }

  @Test
  void theTabWriterAlignsBlocksOfConsecutiveLinesLikeGo() {
    assertEquals(
        "a:    b\nccc:  d\nSpec:\n  x:  1\n",
        GoTabWriter.format("a:\tb\nccc:\td\nSpec:\n  x:\t1\n"),
        "a line without a tab ends the block");
    assertEquals(
        "T   R    M\n--  ---  -\nN   Yes  message\n",
        GoTabWriter.format("T\tR\tM\n--\t---\t-\nN\tYes\tmessage\n"));
  }
}
