package dev.dovetail.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code kubectl describe} of a custom resource, as kubectl's generic describer prints it
 * (k8s.io/kubectl/pkg/describe: GenericDescriberFor, printUnstructuredContent, smartLabelFor,
 * DescribeEvents): Name, Namespace, Labels, Annotations, then every other field in key order with
 * camelCase keys turned into words, two spaces per level, list items one after another, then the
 * Events table. Output goes through {@link GoTabWriter} as kubectl's does.
 */
final class KubectlDescribe {
  private static final Set<String> SKIPPED =
      Set.of(
          ".metadata.managedFields",
          ".metadata.name",
          ".metadata.namespace",
          ".metadata.labels",
          ".metadata.annotations");
  private static final Set<String> ACRONYMS = Set.of("API", "URL", "UID", "OSB", "GUID");
  private static final int MAX_ANNOTATION_LENGTH = 140;

  private KubectlDescribe() {}

  /**
   * The output for {@code object} and its {@code events}, with Event ages as seen at {@code now}.
   */
  static String describe(JsonNode object, List<JsonNode> events, Instant now) {
    var w = new StringBuilder();
    w.append("Name:\t").append(object.at("/metadata/name").asText()).append('\n');
    w.append("Namespace:\t").append(object.at("/metadata/namespace").asText()).append('\n');
    multiline(w, "Labels", object.at("/metadata/labels"), "=");
    multiline(w, "Annotations", object.at("/metadata/annotations"), ": ");
    content(w, 0, object, "");
    // kubectl flushes the tab writer before the Events: the two parts are aligned separately.
    return GoTabWriter.format(w.toString()) + GoTabWriter.format(events(events, now));
  }

  private static void multiline(StringBuilder w, String title, JsonNode map, String separator) {
    w.append(title).append(":\t");
    if (!map.isObject() || map.isEmpty()) {
      w.append("<none>\n");
      return;
    }
    boolean first = true;
    for (var e : new TreeMap<>(fields(map)).entrySet()) {
      if (!first) {
        w.append('\t');
      }
      first = false;
      String line = e.getKey() + separator + e.getValue().asText();
      if (separator.equals(": ") && line.length() > MAX_ANNOTATION_LENGTH) {
        line = line.substring(0, MAX_ANNOTATION_LENGTH) + "...";
      }
      w.append(line).append('\n');
    }
  }

  /** printUnstructuredContent: keys sorted, maps and lists as "Label:" with children below. */
  private static void content(StringBuilder w, int level, JsonNode map, String prefix) {
    for (var e : new TreeMap<>(fields(map)).entrySet()) {
      String path = prefix + "." + e.getKey();
      if (SKIPPED.contains(path)) {
        continue;
      }
      JsonNode value = e.getValue();
      String indent = "  ".repeat(level);
      if (value.isObject()) {
        w.append(indent).append(smartLabel(e.getKey())).append(":\n");
        content(w, level + 1, value, path);
      } else if (value.isArray()) {
        w.append(indent).append(smartLabel(e.getKey())).append(":\n");
        for (JsonNode item : value) {
          if (item.isObject()) {
            content(w, level + 1, item, path);
          } else {
            w.append("  ".repeat(level + 1)).append(scalar(item)).append('\n');
          }
        }
      } else {
        w.append(indent)
            .append(smartLabel(e.getKey()))
            .append(":\t")
            .append(scalar(value))
            .append('\n');
      }
    }
  }

  /** Go's %v of what encoding/json decoded: strings raw, numbers and booleans as written. */
  private static String scalar(JsonNode value) {
    return value.isNull() ? "<nil>" : value.asText();
  }

  /** smartLabelFor: "observedGeneration" → "Observed Generation", "apiVersion" → "API Version". */
  static String smartLabel(String field) {
    if (field.chars().anyMatch(c -> !Character.isLetter(c) && c != '-')) {
      return field;
    }
    var words = new ArrayList<String>();
    for (String part : camelCaseSplit(field)) {
      String upper = part.toUpperCase();
      words.add(
          ACRONYMS.contains(upper)
              ? upper
              : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return String.join(" ", words);
  }

  /**
   * github.com/fatih/camelcase.Split for letters: runs of lower case, of upper case, and an upper
   * case run followed by lower case gives its last letter to the next word ("URLPath" → URL, Path).
   */
  static List<String> camelCaseSplit(String s) {
    var runs = new ArrayList<StringBuilder>();
    int lastClass = -1;
    for (char c : s.toCharArray()) {
      int cls = Character.isLowerCase(c) ? 1 : Character.isUpperCase(c) ? 2 : 3;
      if (cls == lastClass) {
        runs.get(runs.size() - 1).append(c);
      } else {
        runs.add(new StringBuilder().append(c));
      }
      lastClass = cls;
    }
    for (int i = 0; i < runs.size() - 1; i++) {
      var run = runs.get(i);
      if (run.length() > 0
          && Character.isUpperCase(run.charAt(0))
          && Character.isLowerCase(runs.get(i + 1).charAt(0))) {
        runs.get(i + 1).insert(0, run.charAt(run.length() - 1));
        run.setLength(run.length() - 1);
      }
    }
    return runs.stream().filter(r -> r.length() > 0).map(StringBuilder::toString).toList();
  }

  /** DescribeEvents: sorted by last timestamp (kept stable by the precise event time). */
  private static String events(List<JsonNode> events, Instant now) {
    if (events.isEmpty()) {
      return "Events:\t<none>\n";
    }
    List<JsonNode> sorted = new ArrayList<>(events);
    sorted.sort(
        Comparator.comparing((JsonNode e) -> Instant.parse(e.path("lastTimestamp").asText()))
            .thenComparing(e -> Instant.parse(e.path("eventTime").asText())));
    var w = new StringBuilder("Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.append("  ----\t------\t----\t----\t-------\n");
    for (JsonNode e : sorted) {
      String first =
          e.hasNonNull("eventTime")
              ? age(Instant.parse(e.path("eventTime").asText()), now)
              : age(Instant.parse(e.path("firstTimestamp").asText()), now);
      String interval =
          e.path("count").asInt(1) > 1
              ? "%s (x%d over %s)"
                  .formatted(
                      age(Instant.parse(e.path("lastTimestamp").asText()), now),
                      e.path("count").asInt(),
                      first)
              : first;
      String source = e.at("/source/component").asText("");
      if (source.isEmpty()) {
        source = e.path("reportingComponent").asText("");
      }
      w.append("  ")
          .append(e.path("type").asText())
          .append('\t')
          .append(e.path("reason").asText())
          .append('\t')
          .append(interval)
          .append('\t')
          .append(source)
          .append('\t')
          .append(e.path("message").asText().strip())
          .append('\n');
    }
    return w.toString();
  }

  /** k8s.io/apimachinery duration.HumanDuration of now - t. */
  static String age(Instant t, Instant now) {
    Duration d = Duration.between(t, now);
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 180) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  private static Map<String, JsonNode> fields(JsonNode map) {
    var out = new TreeMap<String, JsonNode>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
