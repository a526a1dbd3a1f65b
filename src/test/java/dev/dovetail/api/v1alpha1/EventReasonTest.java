package dev.dovetail.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The closed set of Event reasons is what README.md's "Events" table documents, row for row, and
 * every condition reason is either an Event reason or named here as one no Event carries.
 */
class EventReasonTest {
  /**
   * Condition reasons that are never a Progressing reason nor recorded directly, so no Event
   * carries them: the True/False reasons of the other conditions, and RolledBack, which no code
   * sets (a rolled-back migration ends Abandoned).
   */
  static final Set<String> NOT_EVENTS =
      Set.of(
          Reasons.REPLICATION_WITHIN_LIMIT,
          Reasons.NO_REPLICAS,
          Reasons.BACKFILL_SUCCEEDED,
          Reasons.VERIFICATION_PASSED,
          Reasons.APPLICATION_DUAL_WRITE,
          Reasons.HEALTHY,
          Reasons.ROLLED_BACK);

  private static final Pattern ROW =
      Pattern.compile("^\\| `([A-Za-z]+)` \\| (Normal|Warning) \\| ([^|]+?) \\| ([^|]+?) \\|$");

  /** One documented Event: reason, type, when it is recorded, an example message. */
  record Row(String reason, String type, String when, String example) {}

  @Test
  void theReadmeEventsTableListsExactlyTheClosedSet() throws IOException {
    Map<String, Row> documented = readmeEvents();
    var expected = new ArrayList<String>();
    var wrong = new ArrayList<String>();
    for (EventReason e : EventReason.values()) {
      Row row = documented.get(e.reason());
      String example = row == null ? "…" : row.example();
      expected.add("| `%s` | %s | %s | %s |".formatted(e.reason(), e.type(), e.meaning(), example));
      if (row == null) {
        wrong.add(e.reason() + " is an EventReason but not in the README table");
      } else if (!row.type().equals(e.type().name()) || !row.when().equals(e.meaning())) {
        wrong.add(e.reason() + " reads differently in the README");
      }
    }
    for (String reason : documented.keySet()) {
      if (EventReason.of(reason).isEmpty()) {
        wrong.add(reason + " is in the README table but is not an EventReason");
      }
    }
    assertTrue(
        wrong.isEmpty(),
        String.join("\n", wrong) + "\nThe table should read:\n" + String.join("\n", expected));
    assertEquals(
        Arrays.stream(EventReason.values()).map(EventReason::reason).toList(),
        List.copyOf(documented.keySet()),
        "the README lists the Events in the order of EventReason");
  }

  @Test
  void everyConditionReasonIsAnEventReasonOrNamedAsNone() throws IllegalAccessException {
    var undecided = new TreeSet<String>();
    for (var f : Reasons.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String reason = (String) f.get(null);
        boolean event = EventReason.of(reason).isPresent();
        assertTrue(
            !(event && NOT_EVENTS.contains(reason)), reason + " is both an Event and not one");
        if (!event && !NOT_EVENTS.contains(reason)) {
          undecided.add(reason);
        }
      }
    }
    assertEquals(
        Set.of(),
        undecided,
        "add these to EventReason (with their type) or to NOT_EVENTS with the reason why");
  }

  @Test
  void eachEventReasonIsAReasonsConstant() throws IllegalAccessException {
    var constants = new TreeSet<String>();
    for (var f : Reasons.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        constants.add((String) f.get(null));
      }
    }
    for (EventReason e : EventReason.values()) {
      assertTrue(constants.contains(e.reason()), e + " is not in Reasons");
      assertEquals(e, EventReason.of(e.reason()).orElseThrow());
    }
    assertTrue(EventReason.of(Reasons.HEALTHY).isEmpty());
    assertTrue(EventReason.of(null).isEmpty());
  }

  /** The rows of the table under README.md's "### Events" heading, in order. */
  static Map<String, Row> readmeEvents() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int start = lines.indexOf("### Events");
    assertTrue(start >= 0, "README.md has a \"### Events\" section");
    var rows = new LinkedHashMap<String, Row>();
    boolean inTable = false;
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("#")) {
        break;
      }
      if (!line.startsWith("|")) {
        if (inTable) {
          break;
        }
        continue;
      }
      inTable = true;
      if (line.startsWith("| reason ") || line.startsWith("| ---")) {
        continue;
      }
      Matcher m = ROW.matcher(line);
      assertTrue(
          m.matches(),
          "README Events row does not read | `Reason` | Type | when | example |: " + line);
      Row row = new Row(m.group(1), m.group(2), m.group(3), m.group(4));
      assertTrue(rows.put(row.reason(), row) == null, "listed twice: " + row.reason());
    }
    assertTrue(!rows.isEmpty(), "the Events section has a table");
    return rows;
  }
}
