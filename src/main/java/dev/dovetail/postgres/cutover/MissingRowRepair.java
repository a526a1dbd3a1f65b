package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.ServerErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inserts rows missing on the target, read from the source, in batches of one statement each. A
 * batch that fails is tried again row by row, to find the rows that broke it: a row a foreign key
 * refuses (its parent is not on the target, maybe not yet) is returned as refused with the key's
 * name, for the caller to retry later or report; any other failure of a row stops the repair with
 * an error naming the row and the constraint. Every insert is checked by the target's keys: none is
 * switched off to let a row in.
 */
final class MissingRowRepair {
  static final String FOREIGN_KEY_VIOLATION = "23503";

  /** At most this many rows, and about this many characters of JSON, per statement. */
  private static final int BATCH_ROWS = 500;

  private static final int BATCH_CHARS = 8 * 1024 * 1024;

  private MissingRowRepair() {}

  /**
   * @param inserted the keys inserted now
   * @param refused the rows a foreign key refused, each with the key's name on the target
   */
  record Result(Set<RowKey> inserted, Map<RowKey, String> refused) {}

  /**
   * Inserts {@code rows} (key → the source's row as JSON), in their iteration order, each unless
   * its key exists on the target by now.
   */
  static Result insert(Connection target, KeyedTable table, Map<RowKey, String> rows)
      throws SQLException {
    var result = new Result(new LinkedHashSet<>(), new LinkedHashMap<>());
    var batch = new LinkedHashMap<RowKey, String>();
    long chars = 0;
    for (var row : rows.entrySet()) {
      if (!batch.isEmpty()
          && (batch.size() >= BATCH_ROWS || chars + row.getValue().length() > BATCH_CHARS)) {
        insertBatch(target, table, batch, result);
        batch.clear();
        chars = 0;
      }
      batch.put(row.getKey(), row.getValue());
      chars += row.getValue().length();
    }
    if (!batch.isEmpty()) {
      insertBatch(target, table, batch, result);
    }
    return result;
  }

  private static void insertBatch(
      Connection target, KeyedTable table, Map<RowKey, String> batch, Result result)
      throws SQLException {
    if (batch.size() > 1) {
      try {
        result.inserted().addAll(table.insert(target, batch.values()));
        return;
      } catch (SQLException e) {
        // A statement fails as a whole (autocommit: nothing of it stays); its rows one by one
        // tell which of them broke it.
      }
    }
    for (var row : batch.entrySet()) {
      try {
        result.inserted().addAll(table.insert(target, List.of(row.getValue())));
      } catch (SQLException e) {
        if (!FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
          throw failure(table.table(), row.getKey(), e);
        }
        result.refused().put(row.getKey(), constraint(e));
      }
    }
  }

  /**
   * The round's error for a row the target refused for a reason other than a foreign key. It
   * carries the server's primary message only: the detail of a constraint error quotes the row's
   * values, which are the user's data and stay out of logs and status (for that reason the driver's
   * exception is not chained either).
   */
  static SQLException failure(QualifiedTable table, RowKey key, SQLException e) {
    String constraint = constraint(e);
    return new SQLException(
        "repairing "
            + key.report(table)
            + " on the target failed"
            + (constraint == null ? "" : " on constraint " + constraint)
            + " (SQLSTATE "
            + e.getSQLState()
            + "): "
            + ServerErrors.primary(e),
        e.getSQLState());
  }

  /** The name of the constraint the server reported, or null. */
  static String constraint(SQLException e) {
    return ServerErrors.constraint(e);
  }
}
