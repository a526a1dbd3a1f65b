package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.TreeSet;

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
      var sequences = new TreeSet<>(owned(from, table));
      sequences.addAll(owned(to, table));
      for (String sequence : sequences) {
        Long last = lastValue(from, sequence);
        if (last == null) {
          continue; // never used on the old side: nothing to carry
        }
        try (PreparedStatement ps =
            to.prepareStatement(
                "SELECT setval(?::regclass, greatest(?,"
                    + " coalesce(pg_sequence_last_value(?::regclass), 0)), true)")) {
          ps.setString(1, sequence);
          ps.setLong(2, last);
          ps.setString(3, sequence);
          ps.execute();
        }
        synced++;
      }
    }
    return synced;
  }

  /** Null when the sequence was never used (or does not exist on this side). */
  private static Long lastValue(Connection c, String sequence) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_sequence_last_value(to_regclass(?))")) {
      ps.setString(1, sequence);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long value = rs.getLong(1);
        return rs.wasNull() ? null : value;
      }
    }
  }

  /** The quoted schema.name of each sequence owned by a column of the table. */
  private static List<String> owned(Connection c, QualifiedTable table) throws SQLException {
    var sequences = new java.util.ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT format('%I.%I', n.nspname, s.relname) FROM pg_depend d"
                + " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid = to_regclass(?) AND d.deptype IN ('a', 'i')"
                + " ORDER BY 1")) {
      ps.setString(1, table.sql());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sequences.add(rs.getString(1));
        }
      }
    }
    return sequences;
  }
}
