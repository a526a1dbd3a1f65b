package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.Sql;

/** A table moved by a cutover, as {@code schema.name}. */
public record QualifiedTable(String schema, String name) {

  /** Parses {@code schema.table} or {@code table} (schema {@code public}). */
  public static QualifiedTable parse(String text) {
    int dot = text.indexOf('.');
    return dot < 0
        ? new QualifiedTable("public", text)
        : new QualifiedTable(text.substring(0, dot), text.substring(dot + 1));
  }

  /** The quoted, schema-qualified name for SQL text. */
  public String sql() {
    return Sql.qualified(schema, name);
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
