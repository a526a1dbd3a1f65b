package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Logical replication does not carry sequences: before the other side takes writes, each sequence
 * owned by a moved table's column (serial or identity) is set there to at least the old side's
 * value, so the new side never hands out a key that is already used.
 */
final class Sequences {
  private Sequences() {}

  /**
   * @return how many sequences were set
   */
  static int sync(Connection from, Connection to, List<QualifiedTable> tables) throws SQLException {
    int synced = 0;
    for (QualifiedTable table : tables) {
      // The target's serial sequences are created without OWNED BY: ask both sides.
      var sequences = new java.util.TreeSet<>(owned(from, table));
      sequences.addAll(owned(to, table));
      for (String sequence : sequences) {
        long last;
        try (PreparedStatement ps =
            from.prepareStatement(
                "SELECT last_value FROM pg_sequences WHERE schemaname || '.' ||"
                    + " sequencename = ?")) {
          ps.setString(1, sequence);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getObject(1) == null) {
              continue; // never used on the old side: nothing to carry
            }
            last = rs.getLong(1);
          }
        }
        try (PreparedStatement ps =
            to.prepareStatement(
                "SELECT setval(format('%I.%I', split_part(?, '.', 1), split_part(?, '.', 2))::regclass,"
                    + " greatest(?, coalesce((SELECT last_value FROM pg_sequences WHERE"
                    + " schemaname || '.' || sequencename = ?), 0)), true)")) {
          ps.setString(1, sequence);
          ps.setString(2, sequence);
          ps.setLong(3, last);
          ps.setString(4, sequence);
          ps.execute();
        }
        synced++;
      }
    }
    return synced;
  }

  /** schema.name of each sequence owned by a column of the table (serial or identity). */
  private static List<String> owned(Connection c, QualifiedTable table) throws SQLException {
    var sequences = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname || '.' || s.relname FROM pg_depend d"
                + " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid = format('%I.%I', ?, ?)::regclass AND d.deptype IN ('a', 'i')"
                + " ORDER BY 1")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sequences.add(rs.getString(1));
        }
      }
    }
    return sequences;
  }
}
