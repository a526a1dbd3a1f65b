package dev.dovetail.postgres;

/**
 * A column as the catalog shows it.
 *
 * @param type format_type() of the column, e.g. character varying(255)
 * @param defaultExpression pg_get_expr() of its default; null when it has none
 */
public record ColumnInfo(String name, String type, boolean notNull, String defaultExpression) {}
