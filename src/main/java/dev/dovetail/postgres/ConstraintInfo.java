package dev.dovetail.postgres;

import java.util.List;

/**
 * A table constraint as the catalog shows it.
 *
 * @param type pg_constraint.contype: c check, f foreign key, p primary key, u unique, x exclusion
 * @param columns the constrained columns of this table, in order
 */
public record ConstraintInfo(
    String name, char type, boolean validated, List<String> columns, String definition) {}
