package dev.dovetail.postgres;

import java.nio.charset.StandardCharsets;

/**
 * Identifier quoting. Identifiers are always double-quoted (the same result as {@code
 * Statement.enquoteIdentifier(id, true)}), so case is kept exactly and nothing in a name can end
 * the identifier. Values are never spliced into SQL: they are PreparedStatement parameters.
 */
public final class Sql {
  private Sql() {}

  public static String ident(String identifier) {
    if (identifier == null || identifier.isEmpty()) {
      throw new IllegalArgumentException("empty identifier");
    }
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains a NUL character");
    }
    if (identifier.getBytes(StandardCharsets.UTF_8).length > 63) {
      throw new IllegalArgumentException("identifier longer than 63 bytes: " + identifier);
    }
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  public static String qualified(String schema, String name) {
    return ident(schema) + "." + ident(name);
  }
}
