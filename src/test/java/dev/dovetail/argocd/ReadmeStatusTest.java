package dev.dovetail.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.dovetail.testing.StatusFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks that every {@code status:} YAML block in README.md is the status of an object an
 * integration run recorded ({@link StatusFixtures}), rendered by {@link #status}, so the README
 * cannot show a status the operator does not write. Each block starts with a comment naming its
 * fixture and the fields it leaves out: {@code # fixture databasemigration-expanded, without plan}.
 * Run with {@code -Ddovetail.docs.print=true} to print the blocks as they should read.
 */
class ReadmeStatusTest {
  private static final ObjectMapper READ = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper WRITE =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  private static final Pattern BLOCK =
      Pattern.compile(
          "```yaml\\n# fixture ([a-z0-9-]+)(?:, only ([a-zA-Z, ]+))?(?:, without ([a-zA-Z, ]+))?\\n"
              + "(status:\\n.*?)```",
          Pattern.DOTALL);

  /**
   * A fixture's status as YAML, with only {@code only} (when not empty) and without {@code
   * without}.
   */
  static String status(JsonNode fixture, List<String> only, List<String> without)
      throws IOException {
    ObjectNode status = fixture.path("status").deepCopy();
    if (!only.isEmpty()) {
      status.retain(only);
    }
    status.remove(without);
    ObjectNode out = WRITE.createObjectNode();
    out.set("status", status);
    return WRITE.writeValueAsString(out);
  }

  @Test
  void everyStatusBlockInTheReadmeIsTheStatusOfARecordedObject() throws IOException {
    String docs = Files.readString(Path.of("README.md"));
    Matcher m = BLOCK.matcher(docs);
    int blocks = 0;
    var wrong = new ArrayList<String>();
    while (m.find()) {
      blocks++;
      Path file = StatusFixtures.COMMITTED.resolve(m.group(1) + ".yaml");
      assertTrue(Files.exists(file), "README names fixture " + file);
      String rendered = status(READ.readTree(file.toFile()), names(m.group(2)), names(m.group(3)));
      if (Boolean.getBoolean("dovetail.docs.print")) {
        System.out.println(m.group(1) + ":\n" + rendered);
      }
      if (!rendered.equals(m.group(4))) {
        wrong.add(m.group(1) + " should read:\n" + rendered);
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertEquals(
        0,
        count(docs, "```yaml\nstatus:"),
        "every status block in README.md names the fixture it shows (# fixture <name>)");
    assertTrue(blocks >= 2, "README.md shows the expanded status and the space estimate");
  }

  @Test
  void theRendererKeepsAndDropsTheNamedFields() throws IOException {
    JsonNode fixture =
        READ.readTree("status: {phase: Expanded, plan: [{sql: x}], spaceNeeded: ['0: 1 byte']}");
    assertEquals(
        "status:\n  phase: Expanded\n  spaceNeeded:\n  - \"0: 1 byte\"\n",
        status(fixture, List.of(), List.of("plan")));
    assertEquals(
        "status:\n  spaceNeeded:\n  - \"0: 1 byte\"\n",
        status(fixture, List.of("spaceNeeded"), List.of()));
    assertFalse(status(fixture, List.of(), List.of()).contains("'Expanded'"), "minimal quotes");
  }

  private static List<String> names(String list) {
    return list == null ? List.of() : List.of(list.split(",\\s*"));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
