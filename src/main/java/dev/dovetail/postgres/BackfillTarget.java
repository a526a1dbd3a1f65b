package dev.dovetail.postgres;

/**
 * What a backfill brings in sync on one table, as SQL fragments built by the operation itself
 * (identifiers quoted). Fragments name the table's columns unqualified.
 *
 * @param keyColumn the single-column primary key the keyset pages on
 * @param keyType format_type() of the key, to cast the text checkpoint back
 * @param assignment e.g. {@code "username" = "user_name"}
 * @param outOfSyncPredicate rows the batch must update, e.g. {@code "username" IS DISTINCT FROM
 *     "user_name"}
 * @param missingPredicate rows whose new side was never written, e.g. {@code "username" IS NULL AND
 *     "user_name" IS NOT NULL}
 */
public record BackfillTarget(
    String operationId,
    String schema,
    String table,
    String keyColumn,
    String keyType,
    String assignment,
    String outOfSyncPredicate,
    String missingPredicate) {

  String qualifiedTable() {
    return Sql.qualified(schema, table);
  }

  String key() {
    return Sql.ident(keyColumn);
  }
}
