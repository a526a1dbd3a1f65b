package dev.dovetail.postgres;

import java.util.List;

/**
 * An index as the catalog shows it.
 *
 * @param table quoted, qualified table it is on
 * @param tableName the table's name, unquoted
 * @param valid pg_index.indisvalid: usable by queries (false after a failed concurrent build)
 * @param ready pg_index.indisready: maintained by writes
 * @param columns names of the plain columns it covers, in order (expressions omitted)
 * @param constraint the constraint it backs (primary key, unique, exclusion), or null
 */
public record IndexInfo(
    String schema,
    String name,
    String table,
    String tableName,
    boolean valid,
    boolean ready,
    boolean unique,
    boolean partial,
    List<String> columns,
    String constraint,
    String definition) {}
