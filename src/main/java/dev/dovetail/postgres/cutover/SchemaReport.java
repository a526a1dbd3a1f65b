package dev.dovetail.postgres.cutover;

import java.util.List;

/**
 * What {@link CutoverDatabase#ensureTargetSchema} found: tables it created, tables already there.
 */
public record SchemaReport(List<QualifiedTable> created, List<QualifiedTable> existing) {
  public String describe() {
    return "created " + created.size() + " table(s) on the target, " + existing.size() + " present";
  }
}
