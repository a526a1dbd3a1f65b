package dev.dovetail.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A libpq connection URI ({@code postgresql://user:password@host:port/db?sslmode=require}), the
 * form users keep in their Secrets. {@link #toString()} never shows the password; neither do the
 * parse errors.
 */
public record PgUri(
    String host,
    int port,
    String database,
    String user,
    String password,
    Map<String, String> params) {

  public static PgUri parse(String text) {
    if (text == null || !(text.startsWith("postgresql://") || text.startsWith("postgres://"))) {
      throw new IllegalArgumentException("expected a URI starting with postgresql://");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed URI at character " + e.getIndex());
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the URI names no host");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = path.length() > 1 ? decode(path.substring(1)) : user;
    var params = new LinkedHashMap<String, String>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (!pair.isEmpty()) {
          String[] kv = pair.split("=", 2);
          params.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
        }
      }
    }
    return new PgUri(
        host,
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        database,
        user,
        password,
        Map.copyOf(params));
  }

  /** The JDBC URL, without credentials (they go in the properties). */
  public String jdbcUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  public Properties jdbcProperties(String applicationName) {
    var p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", params.getOrDefault("application_name", applicationName));
    p.setProperty("connectTimeout", params.getOrDefault("connect_timeout", "10"));
    // The driver's messages would carry the server's DETAIL, which quotes row values (a key's
    // value, a failing row); messages reach status, Events and logs (see ServerErrors).
    p.setProperty("logServerErrorDetail", "false");
    if (params.containsKey("sslmode")) {
      p.setProperty("sslmode", params.get("sslmode"));
    }
    if (params.containsKey("options")) {
      p.setProperty("options", params.get("options"));
    }
    return p;
  }

  public Connection connect(String applicationName) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), jdbcProperties(applicationName));
  }

  /**
   * A connection whose session default lock_timeout is {@code lockTimeout} (a startup option, so a
   * later {@code RESET lock_timeout} comes back to it), after the URI's own options.
   */
  public Connection connect(String applicationName, java.time.Duration lockTimeout)
      throws SQLException {
    Properties p = jdbcProperties(applicationName);
    String own = p.getProperty("options", "");
    p.setProperty(
        "options", (own.isBlank() ? "" : own + " ") + "-c lock_timeout=" + lockTimeout.toMillis());
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  /** The URI with the password replaced by ***, for logs and status. */
  public String redacted() {
    return "postgresql://"
        + user
        + (password == null ? "" : ":***")
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database;
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
