package dev.dovetail.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
 * Renders what {@code kubectl get databasemigrations} shows for the real objects StatusFixturesIT
 * recorded, from the CRD's printer columns (their JSONPaths evaluated as kubectl does), and checks
 * that README.md carries exactly that output. Run with {@code -Ddovetail.docs.print=true} to print
 * it.
 */
class KubectlGetTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final List<String> LIFE =
      List.of(
          "databasemigration-backfilling",
          "databasemigration-paused",
          "databasemigration-expanded",
          "databasemigration-contracted",
          "databasemigration-verification-mismatch",
          "databasemigration-invalid-spec");

  @Test
  void theDocumentedKubectlGetOutputIsWhatTheCrdRendersForRealObjects() throws IOException {
    JsonNode crd = YAML.readTree(Path.of("crds/databasemigrations.dovetail.dev-v1.yml").toFile());
    var rows = new ArrayList<JsonNode>();
    for (String name : LIFE) {
      rows.add(YAML.readTree(StatusFixtures.COMMITTED.resolve(name + ".yaml").toFile()));
    }
    String table = render(crd.at("/spec/versions/0/additionalPrinterColumns"), rows);
    if (Boolean.getBoolean("dovetail.docs.print")) {
      System.out.println(table);
    }
    String docs = Files.readString(Path.of("README.md"));
    assertTrue(
        docs.contains("```\n$ kubectl get dbm -n fixtures\n" + table + "```"),
        "README.md shows the rendered output:\n" + table);
  }

  /** kubectl's table: NAME, then each priority-0 column; 3 spaces between, left-aligned. */
  static String render(JsonNode columns, List<JsonNode> objects) {
    var header = new ArrayList<String>(List.of("NAME"));
    for (JsonNode c : columns) {
      if (c.path("priority").asInt(0) == 0) {
        header.add(c.path("name").asText().toUpperCase());
      }
    }
    var lines = new ArrayList<List<String>>();
    lines.add(header);
    for (JsonNode o : objects) {
      var cells = new ArrayList<String>(List.of(o.at("/metadata/name").asText()));
      for (JsonNode c : columns) {
        if (c.path("priority").asInt(0) == 0) {
          String v = jsonPath(o, c.path("jsonPath").asText());
          cells.add(c.path("type").asText().equals("date") && v.isEmpty() ? "<unknown>" : v);
        }
      }
      lines.add(cells);
    }
    int[] width = new int[header.size()];
    for (var l : lines) {
      for (int i = 0; i < l.size(); i++) {
        width[i] = Math.max(width[i], l.get(i).length());
      }
    }
    var out = new StringBuilder();
    for (var l : lines) {
      var line = new StringBuilder();
      for (int i = 0; i < l.size(); i++) {
        line.append(
            i == l.size() - 1 ? l.get(i) : String.format("%-" + (width[i] + 3) + "s", l.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static final Pattern FILTER =
      Pattern.compile("^\\[\\?\\(@\\.([A-Za-z]+)==([\"'])([^\"']*)\\2\\)\\]");

  /** The JSONPath subset printer columns use: .a.b and .list[?(@.key=="value")].field ('' too). */
  static String jsonPath(JsonNode node, String path) {
    List<JsonNode> current = List.of(node);
    String rest = path;
    while (!rest.isEmpty()) {
      Matcher filter = FILTER.matcher(rest);
      var next = new ArrayList<JsonNode>();
      if (filter.find()) {
        for (JsonNode n : current) {
          n.forEach(
              item -> {
                if (item.path(filter.group(1)).asText().equals(filter.group(3))) {
                  next.add(item);
                }
              });
        }
        rest = rest.substring(filter.end());
      } else if (rest.startsWith(".")) {
        int end = 1;
        while (end < rest.length() && rest.charAt(end) != '.' && rest.charAt(end) != '[') {
          end++;
        }
        String field = rest.substring(1, end);
        current.forEach(
            n -> {
              if (n.has(field)) {
                next.add(n.get(field));
              }
            });
        rest = rest.substring(end);
      } else {
        throw new IllegalArgumentException("unsupported JSONPath " + path);
      }
      current = next;
    }
    assertTrue(current.size() <= 1, path + " selects one value");
    return current.isEmpty() ? "" : current.get(0).asText();
  }

  @Test
  void theJsonPathSubsetSelectsLikeKubectl() throws IOException {
    JsonNode o =
        YAML.readTree(
            "status: {phase: Expanded, conditions: [{type: Progressing, status: 'False'},"
                + " {type: Ready, status: 'True'}]}");
    assertEquals("Expanded", jsonPath(o, ".status.phase"));
    assertEquals("True", jsonPath(o, ".status.conditions[?(@.type==\"Ready\")].status"));
    assertEquals("", jsonPath(o, ".status.progress"));
    assertEquals("True", jsonPath(o, ".status.conditions[?(@.type=='Ready')].status"));
  }
}
