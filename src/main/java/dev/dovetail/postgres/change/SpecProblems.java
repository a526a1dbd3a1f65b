package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Identifiers;
import dev.dovetail.postgres.lint.SqlText;
import java.util.HashSet;
import java.util.List;

/**
 * Collects the problems of one operation, each message starting with the spec field it is about,
 * e.g. {@code spec.operations[2].createIndex.columns[1]: ...}.
 */
public final class SpecProblems {
  private final String prefix;
  private final List<String> sink;
  private final int before;

  public SpecProblems(String prefix, List<String> sink) {
    this.prefix = prefix;
    this.sink = sink;
    this.before = sink.size();
  }

  /** The operation's own field path, e.g. spec.operations[2].createIndex. */
  public String prefix() {
    return prefix;
  }

  public void add(String field, String message) {
    sink.add(prefix + (field == null || field.isEmpty() ? "" : "." + field) + ": " + message);
  }

  /** True when this operation has a problem. */
  public boolean any() {
    return sink.size() > before;
  }

  public void identifier(String field, String value) {
    if (value == null || value.isEmpty()) {
      add(field, "required");
    } else if (!value.matches(Identifiers.PATTERN)) {
      add(
          field,
          "'"
              + value
              + "' is not a valid identifier (a letter or _, then letters, digits, _ or $; at most"
              + " 63 characters)");
    }
  }

  /** A non-empty list of distinct identifiers. */
  public void identifiers(String field, List<String> values) {
    if (values == null || values.isEmpty()) {
      add(field, "at least one column is required");
      return;
    }
    var seen = new HashSet<String>();
    for (int i = 0; i < values.size(); i++) {
      identifier(field + "[" + i + "]", values.get(i));
      if (values.get(i) != null && !seen.add(values.get(i))) {
        add(field + "[" + i + "]", values.get(i) + " is listed twice");
      }
    }
  }

  /** An SQL expression or type spliced into DDL: exactly one, nothing that could end ours. */
  public void expression(String field, String value, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        add(field, "required");
      }
      return;
    }
    SqlText.expressionProblem(value).ifPresent(p -> add(field, p));
    if (value.contains("$dovetail$")) {
      add(field, "must not contain $dovetail$");
    }
  }

  public void duration(String field, String value) {
    try {
      Durations.parse(value);
    } catch (IllegalArgumentException e) {
      add(field, e.getMessage());
    }
  }
}
