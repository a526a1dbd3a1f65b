package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Publications, subscriptions and slots of logical replication, each created and dropped
 * idempotently.
 */
final class Replication {
  private static final int DROP_SLOT_ATTEMPTS = 50;

  private Replication() {}

  static void ensurePublication(Connection c, String publication, List<QualifiedTable> tables)
      throws SQLException {
    var all = new ArrayList<>(tables);
    all.add(QualifiedTable.parse(Bookkeeping.HEARTBEAT));
    String list = all.stream().map(QualifiedTable::sql).collect(Collectors.joining(", "));
    boolean exists = exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", publication);
    try (Statement st = c.createStatement()) {
      st.execute(
          (exists
                  ? "ALTER PUBLICATION " + Sql.ident(publication) + " SET TABLE "
                  : "CREATE PUBLICATION " + Sql.ident(publication) + " FOR TABLE ")
              + list);
    }
  }

  static void ensureSubscription(
      Connection c, String subscription, PgUri source, String publication, String slot)
      throws SQLException {
    if (exists(c, "SELECT 1 FROM pg_subscription WHERE subname = ?", subscription)) {
      return;
    }
    try (Statement st = c.createStatement()) {
      // DDL takes no parameters: the conninfo and slot name are literals, quoted as such.
      st.execute(
          "CREATE SUBSCRIPTION "
              + Sql.ident(subscription)
              + " CONNECTION "
              + literal(conninfo(source))
              + " PUBLICATION "
              + Sql.ident(publication)
              + " WITH (create_slot = false, copy_data = false, slot_name = "
              + literal(slot)
              + ")");
    }
  }

  static void setEnabled(Connection c, String subscription, boolean enabled) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "ALTER SUBSCRIPTION " + Sql.ident(subscription) + (enabled ? " ENABLE" : " DISABLE"));
    }
  }

  static boolean enabled(Connection c, String subscription) throws SQLException {
    return exists(
        c, "SELECT 1 FROM pg_subscription WHERE subname = ? AND subenabled", subscription);
  }

  /** Bytes of WAL the slot has not confirmed, or null when there is no such slot. */
  static Long slotLagBytes(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** Detaches the subscription from its slot first, so dropping it never reaches the other side. */
  static void dropSubscription(Connection c, String subscription) throws SQLException {
    if (!exists(c, "SELECT 1 FROM pg_subscription WHERE subname = ?", subscription)) {
      return;
    }
    try (Statement st = c.createStatement()) {
      String name = Sql.ident(subscription);
      st.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
      st.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
      st.execute("DROP SUBSCRIPTION " + name);
    }
  }

  /** Drops the slot once its walsender has gone (it lingers briefly after a subscription stops). */
  static void dropSlot(Connection c, String slot) throws SQLException {
    for (int attempt = 0; attempt < DROP_SLOT_ATTEMPTS; attempt++) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
        ps.setString(1, slot);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          if (rs.getObject(1) == null) {
            try (PreparedStatement drop =
                c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
              drop.setString(1, slot);
              drop.execute();
            }
            return;
          }
        }
      }
      sleep(100);
    }
    throw new SQLException("replication slot " + slot + " stayed active for 5 s; not dropped");
  }

  static void dropPublication(Connection c, String publication) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(publication));
    }
  }

  static boolean exists(Connection c, String query, String parameter) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && !Boolean.FALSE.equals(rs.getObject(1));
      }
    }
  }

  /** libpq key/value conninfo; values single-quoted with backslash escapes as libpq expects. */
  static String conninfo(PgUri uri) {
    var parts = new java.util.LinkedHashMap<String, String>();
    parts.put("host", uri.host());
    parts.put("port", Integer.toString(uri.port()));
    parts.put("dbname", uri.database());
    parts.put("user", uri.user());
    if (uri.password() != null) {
      parts.put("password", uri.password());
    }
    for (Map.Entry<String, String> p : uri.params().entrySet()) {
      if (p.getKey().equals("sslmode")) {
        parts.put("sslmode", p.getValue());
      }
    }
    return parts.entrySet().stream()
        .map(e -> e.getKey() + "='" + e.getValue().replace("\\", "\\\\").replace("'", "\\'") + "'")
        .collect(Collectors.joining(" "));
  }

  /** A standard SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
  static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL character in a literal");
    }
    return "'" + value.replace("'", "''") + "'";
  }

  private static void sleep(long millis) throws SQLException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    }
  }
}
