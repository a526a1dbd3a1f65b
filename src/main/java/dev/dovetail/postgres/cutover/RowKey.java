package dev.dovetail.postgres.cutover;

import java.util.List;

/** A primary key value as the text of each key column, in key order. */
record RowKey(List<String> values) {
  RowKey {
    values = List.copyOf(values);
  }

  /** {@code 42} for a one-column key, {@code (7,abc)} for a composite key. */
  String format() {
    return values.size() == 1 ? values.get(0) : "(" + String.join(",", values) + ")";
  }

  /** How a key appears in reports: {@code schema.table:key}. */
  String report(QualifiedTable table) {
    return table + ":" + format();
  }
}
