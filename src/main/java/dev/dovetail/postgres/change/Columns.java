package dev.dovetail.postgres.change;

import dev.dovetail.postgres.Sql;
import dev.dovetail.postgres.TableInfo;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Small helpers over column lists, shared by the kinds. */
final class Columns {
  private Columns() {}

  /** "a", "b" */
  static String quoted(List<String> columns) {
    return columns.stream().map(Sql::ident).collect(Collectors.joining(", "));
  }

  /** "a" IS NOT NULL AND "b" IS NOT NULL */
  static String allNotNull(List<String> columns) {
    return columns.stream()
        .map(c -> Sql.ident(c) + " IS NOT NULL")
        .collect(Collectors.joining(" AND "));
  }

  /** The quoted single-column primary key, or ctid: how violating rows are named. */
  static String rowKey(TableInfo t) {
    return t.primaryKey().size() == 1 ? Sql.ident(t.primaryKey().get(0)) : "ctid";
  }

  /** The first listed column the table lacks, or empty when it has them all. */
  static Optional<Integer> firstMissing(TableInfo t, List<String> columns) {
    for (int i = 0; i < columns.size(); i++) {
      if (t.column(columns.get(i)).isEmpty()) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** Checks that the table has every listed column; adds a problem naming the first missing. */
  static boolean present(TableInfo t, List<String> columns, String field, SpecProblems p) {
    var missing = firstMissing(t, columns);
    missing.ifPresent(
        i ->
            p.add(
                field + "[" + i + "]",
                "column " + columns.get(i) + " does not exist in " + t.schema() + "." + t.name()));
    return missing.isEmpty();
  }

  /** A name PostgreSQL would truncate (or Sql.ident refuse): longer than 63 bytes. */
  static boolean tooLong(String name) {
    return name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63;
  }
}
