package dev.dovetail.postgres.change;

import java.util.List;

/**
 * The disk space an operation's expand will take, by what drives it: a backfill writes a new
 * version of every row of the table, a new index holds one entry per row.
 *
 * @param table quoted, qualified table name
 * @param columns the index key columns (INDEX only)
 * @param partial the index has a WHERE clause: the estimate is for every row, an upper bound
 */
public record SpaceNeed(Kind kind, String table, List<String> columns, boolean partial) {
  public enum Kind {
    ROW_VERSIONS,
    INDEX
  }

  public static SpaceNeed rowVersions(String table) {
    return new SpaceNeed(Kind.ROW_VERSIONS, table, List.of(), false);
  }

  public static SpaceNeed index(String table, List<String> columns, boolean partial) {
    return new SpaceNeed(Kind.INDEX, table, List.copyOf(columns), partial);
  }
}
