package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A database created for one test and dropped (with force) when closed. */
public final class TestDatabase implements AutoCloseable {
  private final String serverUri;
  private final String name;
  private final String uri;

  private TestDatabase(String serverUri, String name) {
    this.serverUri = serverUri;
    this.name = name;
    this.uri = TestPostgres.withDatabase(serverUri, name);
  }

  static TestDatabase create(String serverUri, String name) {
    try (Connection c = TestPostgres.connect(serverUri);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new TestDatabase(serverUri, name);
  }

  /** libpq URI of this database, as a user would put in a Secret. */
  public String uri() {
    return uri;
  }

  public String name() {
    return name;
  }

  public Connection connect() {
    return TestPostgres.connect(uri);
  }

  /** Runs statements in autocommit mode; for fixtures only. */
  public void execute(String... sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Runs a query returning one long, e.g. a count. */
  public long queryLong(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Runs a query returning one string. */
  public String queryString(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try (Connection c = TestPostgres.connect(serverUri);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }
}
