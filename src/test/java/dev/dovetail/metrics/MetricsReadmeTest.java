package dev.dovetail.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The metrics README.md documents are the metrics the operator serves ({@link Metrics#FAMILIES}),
 * name and type, both ways; and every family follows Prometheus' naming conventions.
 */
class MetricsReadmeTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| (`[^|]+`) \\| (gauge|counter) \\| .+ \\|$");
  private static final Pattern NAME = Pattern.compile("`(dovetail_[a-z0-9_]+)(\\{[^`]*})?`");
  private static final Pattern SNAKE = Pattern.compile("^dovetail(_[a-z0-9]+)+$");

  /** Units that are not Prometheus base units, as a whole word of the name. */
  private static final List<String> NOT_BASE_UNITS =
      List.of(
          "ms",
          "millis",
          "milliseconds",
          "microseconds",
          "minutes",
          "hours",
          "days",
          "kb",
          "mb",
          "gb",
          "kilobytes",
          "megabytes",
          "gigabytes",
          "percent",
          "pct");

  /** Words that name a time or a size, which must then be measured in seconds or bytes. */
  private static final List<String> MEASURED = List.of("lag", "duration", "age", "pause", "size");

  @Test
  void theReadmeTableListsExactlyTheServedFamiliesWithTheirTypes() throws IOException {
    Map<String, String> documented = readmeMetrics();
    Map<String, String> served =
        Metrics.FAMILIES.stream()
            .collect(
                Collectors.toMap(
                    MetricFamily::name, MetricFamily::type, (a, b) -> a, TreeMap::new));
    assertEquals(
        served, documented, "README.md's metrics table (name and type) vs Metrics.FAMILIES");
  }

  @Test
  void everyFamilyFollowsPrometheusNamingConventions() {
    var wrong = new ArrayList<String>();
    for (MetricFamily f : Metrics.FAMILIES) {
      String name = f.name();
      List<String> words = List.of(name.split("_"));
      if (!SNAKE.matcher(name).matches()) {
        wrong.add(name + ": not snake_case with the dovetail_ prefix");
      }
      if (!List.of("gauge", "counter").contains(f.type())) {
        wrong.add(name + ": type " + f.type());
      }
      if (f.type().equals("counter") != name.endsWith("_total")) {
        wrong.add(name + ": counters, and only counters, end in _total");
      }
      NOT_BASE_UNITS.stream()
          .filter(words::contains)
          .forEach(
              u -> wrong.add(name + ": unit " + u + " is not a base unit (seconds, bytes, ratio)"));
      boolean measured = MEASURED.stream().anyMatch(words::contains);
      String unitWord = words.get(words.size() - (name.endsWith("_total") ? 2 : 1));
      if (measured && !List.of("seconds", "bytes").contains(unitWord)) {
        wrong.add(name + ": a time or size ends in _seconds or _bytes");
      }
      if ((words.contains("seconds") || words.contains("bytes"))
          && !List.of("seconds", "bytes").contains(unitWord)) {
        wrong.add(name + ": the unit is the last word (before _total)");
      }
      if (f.help() == null || f.help().isBlank()) {
        wrong.add(name + ": no help text");
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void theNamingCheckRefusesWhatItShould() {
    assertFalse(SNAKE.matcher("dovetail_Lag").matches());
    assertFalse(SNAKE.matcher("lag_seconds").matches());
    assertFalse(SNAKE.matcher("dovetail__lag").matches());
    assertTrue(SNAKE.matcher("dovetail_replication_lag_seconds").matches());
  }

  /** Name to type, from the table whose header is {@code | metric | type | what |}. */
  static Map<String, String> readmeMetrics() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int header = lines.indexOf("| metric | type | what |");
    assertTrue(header >= 0, "README.md has the metrics table");
    var out = new TreeMap<String, String>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      Matcher row = ROW.matcher(line);
      assertTrue(row.matches(), "metrics row reads | `name` | gauge/counter | what |: " + line);
      Matcher name = NAME.matcher(row.group(1));
      int names = 0;
      while (name.find()) {
        names++;
        assertTrue(out.put(name.group(1), row.group(2)) == null, "listed twice: " + name.group(1));
      }
      assertTrue(names > 0, "no metric name in " + line);
    }
    return out;
  }
}
