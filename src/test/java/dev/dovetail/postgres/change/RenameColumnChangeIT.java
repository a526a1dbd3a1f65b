package dev.dovetail.postgres.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The renameColumn sync trigger on a real server: whichever application writes, by INSERT or
 * UPDATE, with values or NULLs, the two columns stay equal; contract carries NOT NULL and the
 * default over and hides the old column, which stays in sync until cleanup drops it; uncontract
 * restores the expanded table exactly; rollback leaves the table as it was.
 */
class RenameColumnChangeIT {
  TestDatabase db;
  Connection c;
  RenameColumnChange change;

  @BeforeEach
  void setUp() throws Exception {
    db = TestPostgres.newPrimaryDatabase();
    db.execute(
        "CREATE SCHEMA dovetail",
        "CREATE TABLE users (id bigserial PRIMARY KEY, user_name varchar(40) NOT NULL DEFAULT 'anon', note text)",
        "INSERT INTO users (user_name) VALUES ('ada'), ('bob')");
    c = db.connect();
    var table = new Catalog(c).table("public", "users").orElseThrow();
    change =
        new RenameColumnChange(
            new RenameColumn("public", "users", "user_name", "username"),
            table,
            table.column("user_name").orElseThrow());
    Steps.run(c, change, change.expand());
  }

  @AfterEach
  void tearDown() throws SQLException {
    c.close();
    db.close();
  }

  @Test
  void oldApplicationWritesReachTheNewColumn() throws SQLException {
    exec("INSERT INTO users (user_name) VALUES ('cy')");
    assertEquals("cy", value("username", "user_name = 'cy'"));
    exec("UPDATE users SET user_name = 'cyrus' WHERE user_name = 'cy'");
    assertEquals("cyrus", value("username", "user_name = 'cyrus'"));
  }

  @Test
  void newApplicationWritesReachTheOldColumnEvenOverItsDefault() throws SQLException {
    exec("INSERT INTO users (username) VALUES ('dee')");
    assertEquals("dee", value("user_name", "username = 'dee'"));
    exec("UPDATE users SET username = 'deedee' WHERE username = 'dee'");
    assertEquals("deedee", value("user_name", "username = 'deedee'"));
  }

  @Test
  void unrelatedUpdateOfARowNotYetBackfilledFillsTheNewColumn() throws SQLException {
    assertEquals(null, value("username", "user_name = 'ada'"));
    exec("UPDATE users SET note = 'x' WHERE user_name = 'ada'");
    assertEquals("ada", value("username", "user_name = 'ada'"));
  }

  @Test
  void backfillSessionWritesAreLeftAlone() throws SQLException {
    exec("SELECT set_config('dovetail.backfill', '" + change.id() + "', false)");
    exec("UPDATE users SET username = user_name");
    exec("SELECT set_config('dovetail.backfill', 'off', false)");
    assertEquals(0, count("username IS DISTINCT FROM user_name"));
  }

  @Test
  void contractMovesDefaultAndNotNullAndHidesTheOldSideUntilCleanup() throws Exception {
    exec("UPDATE users SET username = user_name");
    Steps.run(c, change, change.afterBackfill());
    Steps.run(c, change, change.contract());
    exec("INSERT INTO users (note) VALUES ('defaulted')");
    assertEquals("anon", value("username", "note = 'defaulted'"));
    assertThrows(SQLException.class, () -> exec("INSERT INTO users (username) VALUES (NULL)"));
    assertEquals(hidden() + ",id,note,username", columns(), "user_name is hidden, not dropped");
    exec("INSERT INTO users (username) VALUES ('fay')");
    exec("UPDATE users SET username = 'adele' WHERE username = 'ada'");
    assertEquals(0, count(hidden() + " IS DISTINCT FROM username"), "the hidden column follows");

    Steps.run(c, change, change.cleanup());
    assertEquals("id,note,username", columns());
    assertEquals(0, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail%'"));
    assertEquals(0, db.queryLong("SELECT count(*) FROM pg_proc WHERE proname LIKE 'sync_%'"));
    assertEquals(
        0, db.queryLong("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'dovetail%'"));
    assertEquals(
        "NO",
        db.queryString(
            "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'username'"));
  }

  @Test
  void uncontractRestoresTheExpandedTableWithTheRowsWrittenWhileContracted() throws Exception {
    exec("UPDATE users SET username = user_name");
    Steps.run(c, change, change.afterBackfill());
    var expanded = dev.dovetail.testing.SchemaSnapshot.of(c, "users");
    Steps.run(c, change, change.contract());
    exec("INSERT INTO users (username) VALUES ('gil')");
    exec("INSERT INTO users (note) VALUES ('defaulted')");
    exec("UPDATE users SET username = 'bobby' WHERE username = 'bob'");

    Steps.run(c, change, change.uncontract());
    assertEquals(expanded, dev.dovetail.testing.SchemaSnapshot.of(c, "users"));
    assertEquals(0, count("user_name IS DISTINCT FROM username"));
    assertEquals(1, count("user_name = 'gil'"));
    assertEquals(1, count("user_name = 'bobby'"));
    assertEquals(1, count("user_name = 'anon' AND note = 'defaulted'"));
    // the old application is back: its writes reach the new column again
    exec("UPDATE users SET user_name = 'gilbert' WHERE user_name = 'gil'");
    assertEquals("gilbert", value("username", "user_name = 'gilbert'"));

    Steps.run(c, change, change.rollback());
    assertEquals("id,note,user_name", columns());
  }

  @Test
  void rollbackLeavesTheTableAsItWas() throws Exception {
    exec("INSERT INTO users (user_name) VALUES ('eve')");
    Steps.run(c, change, change.rollback());
    assertEquals(
        "id,note,user_name",
        db.queryString(
            "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'users'"));
    assertEquals(0, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dovetail%'"));
    assertEquals(0, db.queryLong("SELECT count(*) FROM pg_proc WHERE proname LIKE 'sync_%'"));
  }

  private String hidden() {
    return HiddenColumns.oldColumn(change.id());
  }

  private String columns() {
    return db.queryString(
        "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'users'");
  }

  private void exec(String sql) throws SQLException {
    try (var s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private String value(String column, String where) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT " + column + " FROM users WHERE " + where)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private long count(String where) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM users WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
