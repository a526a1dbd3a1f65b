package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The trigger that refuses writes on the side that no longer takes them. A statement trigger on
 * each moved table raises SQLSTATE 25006 (read_only_sql_transaction) with a message naming the
 * cutover and the side that now takes writes, so a writer that raced the flag fails loudly instead
 * of writing where nobody reads. Logical replication's apply workers do not fire ordinary triggers,
 * so replication into a guarded side still works.
 */
final class WriteGuard {
  private WriteGuard() {}

  static String function(CutoverNames names) {
    return "dovetail." + Sql.ident(names.writeGuardTrigger());
  }

  /** Installs the guard on every table (in the caller's transaction when autocommit is off). */
  static void install(Connection c, CutoverNames names, List<QualifiedTable> tables, String movedTo)
      throws SQLException {
    String message =
        "dovetail: writes to this table moved to the "
            + movedTo
            + " (cutover "
            + names.key()
            + "); read the routing flag again";
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS dovetail");
      st.execute(
          "CREATE OR REPLACE FUNCTION "
              + function(names)
              + "() RETURNS trigger LANGUAGE plpgsql AS $guard$ BEGIN RAISE EXCEPTION USING"
              + " ERRCODE = '25006', MESSAGE = "
              + Replication.literal(message)
              + " || ' (' || TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ')'; END $guard$");
      for (QualifiedTable t : tables) {
        st.execute(
            "DROP TRIGGER IF EXISTS " + Sql.ident(names.writeGuardTrigger()) + " ON " + t.sql());
        st.execute(
            "CREATE TRIGGER "
                + Sql.ident(names.writeGuardTrigger())
                + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                + t.sql()
                + " FOR EACH STATEMENT EXECUTE FUNCTION "
                + function(names)
                + "()");
      }
    }
  }

  /** Removes the guard from every table that has it, and its function. */
  static void remove(Connection c, CutoverNames names) throws SQLException {
    var guarded = new ArrayList<QualifiedTable>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, r.relname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid"
                + " JOIN pg_namespace n ON n.oid = r.relnamespace WHERE t.tgname = ?")) {
      ps.setString(1, names.writeGuardTrigger());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          guarded.add(new QualifiedTable(rs.getString(1), rs.getString(2)));
        }
      }
    }
    try (Statement st = c.createStatement()) {
      for (QualifiedTable t : guarded) {
        st.execute(
            "DROP TRIGGER IF EXISTS " + Sql.ident(names.writeGuardTrigger()) + " ON " + t.sql());
      }
      if (Replication.exists(c, "SELECT to_regnamespace(?) IS NOT NULL", "dovetail")) {
        st.execute("DROP FUNCTION IF EXISTS " + function(names) + "()");
      }
    }
  }
}
