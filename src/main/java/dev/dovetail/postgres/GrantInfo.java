package dev.dovetail.postgres;

/**
 * One privilege from a table's ACL (aclexplode of relacl, or of a column's attacl).
 *
 * @param grantee the role it is granted to; null for PUBLIC
 * @param privilege SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER
 * @param grantable granted WITH GRANT OPTION
 * @param column the column of a column-level grant; null for the whole table
 */
public record GrantInfo(String grantee, String privilege, boolean grantable, String column) {}
