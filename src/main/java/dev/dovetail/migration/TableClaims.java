package dev.dovetail.migration;

import java.util.List;
import java.util.Map;

/**
 * Which of the tables a migration's operations touch are claimed, and by whom. Two
 * DatabaseMigrations touching one table run one after the other: the first to claim it holds it
 * until it is contracted, abandoned or deleted; the claims live in the database's {@code dovetail}
 * schema, so operator replicas and restarts agree.
 *
 * @param wanted the quoted qualified tables of the desired operations
 * @param holders who holds each wanted table that is claimed (namespace/name)
 * @param self this migration's namespace/name
 */
public record TableClaims(List<String> wanted, Map<String, String> holders, String self) {
  public static final TableClaims NONE = new TableClaims(List.of(), Map.of(), "");

  /** The wanted tables another migration holds, with that migration. */
  Map<String, String> heldByOthers() {
    var others = new java.util.LinkedHashMap<String, String>();
    holders.forEach(
        (table, holder) -> {
          if (!holder.equals(self)) {
            others.put(table, holder);
          }
        });
    return others;
  }

  /** Whether this migration still has to claim some of its tables. */
  boolean unclaimed() {
    return wanted.stream().anyMatch(t -> !self.equals(holders.get(t)));
  }

  /** The status message while queued: which migration holds which table. */
  static String queuedMessage(Map<String, String> others) {
    var e = others.entrySet().iterator().next();
    return ("waits for DatabaseMigration %s, which holds %s: migrations touching the same table run"
            + " one at a time; this one starts when that one is contracted, abandoned or deleted")
        .formatted(e.getValue(), e.getKey());
  }
}
