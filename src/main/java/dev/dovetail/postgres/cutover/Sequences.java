package dev.dovetail.postgres.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Logical replication does not carry sequences: before the other side takes writes, each sequence a
 * moved table's column draws from is set there to at least the old side's value, so the new side
 * never hands out a key that is already used. A column draws from a sequence it owns (serial,
 * identity) and from any sequence its DEFAULT calls nextval on, owned or free-standing (one
 * sequence shared by several tables, created with CREATE SEQUENCE on its own).
 */
final class Sequences {
  private Sequences() {}

  /**
   * @return how many sequences were set
   */
  static int sync(Connection from, Connection to, List<QualifiedTable> tables) throws SQLException {
    var synced = new TreeSet<String>();
    for (QualifiedTable table : tables) {
      Map<String, List<String>> onTo = byColumn(to, table);
      for (var column : byColumn(from, table).entrySet()) {
        // Paired by column: an identity sequence may be named differently on the other side.
        List<String> targets = onTo.getOrDefault(column.getKey(), List.of());
        for (String sequence : column.getValue()) {
          Long last = lastValue(from, sequence);
          if (last == null) {
            continue; // never used on the old side: nothing to carry
          }
          for (String other : targets.isEmpty() ? List.of(sequence) : targets) {
            if (set(to, other, last)) {
              synced.add(other);
            }
          }
        }
      }
    }
    return synced.size();
  }

  /**
   * Moves the sequence to {@code last}, never back: an ascending one to at least it, a descending
   * one (negative increment) to at most it. False when it does not exist.
   */
  private static boolean set(Connection c, String sequence, long last) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT setval(s, CASE WHEN q.seqincrement > 0"
                + " THEN greatest(?, coalesce(pg_sequence_last_value(s), ?))"
                + " ELSE least(?, coalesce(pg_sequence_last_value(s), ?)) END, true)"
                + " FROM to_regclass(?) s JOIN pg_sequence q ON q.seqrelid = s")) {
      for (int i = 1; i <= 4; i++) {
        ps.setLong(i, last);
      }
      ps.setString(5, sequence);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
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

  /**
   * The quoted schema.name of each sequence a column of the table draws from, by column: those
   * owned by the column (serial, identity) and those its DEFAULT names (pg_attrdef's dependency on
   * each sequence its nextval(...) calls).
   */
  private static Map<String, List<String>> byColumn(Connection c, QualifiedTable table)
      throws SQLException {
    var sequences = new LinkedHashMap<String, List<String>>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, format('%I.%I', n.nspname, s.relname)"
                + " FROM pg_attribute a"
                + " JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum"
                + " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE a.attrelid = to_regclass(?)"
                + " UNION"
                + " SELECT a.attname, format('%I.%I', n.nspname, s.relname)"
                + " FROM pg_attribute a"
                + " JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
                + " JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid"
                + " AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE a.attrelid = to_regclass(?)"
                + " ORDER BY 1, 2")) {
      ps.setString(1, table.sql());
      ps.setString(2, table.sql());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sequences.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return sequences;
  }
}
