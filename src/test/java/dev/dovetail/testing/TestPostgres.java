package dev.dovetail.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * The real PostgreSQL topology started by {@code hack/postgres.sh up}: a primary, a streaming
 * replica of it, and a separate target server. Every test gets a database of its own so that tests
 * never see each other's tables.
 */
public final class TestPostgres {
  public static final String PRIMARY = url("DOVETAIL_PG_PRIMARY", 55432);
  public static final String REPLICA = url("DOVETAIL_PG_REPLICA", 55433);
  public static final String TARGET = url("DOVETAIL_PG_TARGET", 55434);

  private TestPostgres() {}

  private static String url(String env, int defaultPort) {
    String value = System.getenv(env);
    return value != null && !value.isBlank()
        ? value
        : "postgresql://postgres@127.0.0.1:" + defaultPort + "/postgres";
  }

  /** A fresh database on the primary (it exists on the replica too, by replication). */
  public static TestDatabase newPrimaryDatabase() {
    return TestDatabase.create(PRIMARY, "dt_" + shortId());
  }

  /** A fresh database on the target server. */
  public static TestDatabase newTargetDatabase() {
    return TestDatabase.create(TARGET, "dt_" + shortId());
  }

  /** Opens a JDBC connection for a libpq URI of the test topology (no password involved). */
  public static Connection connect(String libpqUri) {
    try {
      return DriverManager.getConnection(jdbcUrl(libpqUri));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to "
              + libpqUri
              + " — start the local topology with `hack/postgres.sh up` ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** postgresql://user@host:port/db → jdbc:postgresql://host:port/db?user=user. */
  public static String jdbcUrl(String libpqUri) {
    var uri = java.net.URI.create(libpqUri);
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":", 2)[0];
    return "jdbc:postgresql://"
        + uri.getHost()
        + ":"
        + uri.getPort()
        + uri.getPath()
        + "?user="
        + user;
  }

  static String withDatabase(String libpqUri, String database) {
    var uri = java.net.URI.create(libpqUri);
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo();
    return "postgresql://" + user + "@" + uri.getHost() + ":" + uri.getPort() + "/" + database;
  }

  private static String shortId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
  }
}
