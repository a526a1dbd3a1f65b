package dev.dovetail.postgres;

import java.util.List;
import java.util.Optional;

/**
 * A table as the catalog shows it: its live columns, its primary key columns in key order, and the
 * planner's row estimate.
 */
public record TableInfo(
    String schema,
    String name,
    List<ColumnInfo> columns,
    List<String> primaryKey,
    long estimatedRows) {

  public Optional<ColumnInfo> column(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst();
  }
}
