package dev.dovetail.postgres;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What of a database error may reach status, an Event, a report or a log: the server's primary
 * message, which names the constraint, table or column and the nature of the problem. Never its
 * DETAIL (for a key {@code Key (parent_id)=(77) is not present in table "parent"}, for a check the
 * failing row), HINT or WHERE, which quote the rows' values. The operator's connections also ask
 * the driver to leave the detail out of its messages (logServerErrorDetail=false in {@link PgUri});
 * this is the guard where a message is built from an error.
 */
public final class ServerErrors {
  private ServerErrors() {}

  /** The server's primary message, or the driver's/our own message when the server sent none. */
  public static String primary(SQLException e) {
    ServerErrorMessage server = server(e);
    if (server != null && server.getMessage() != null) {
      return server.getMessage();
    }
    return e.getMessage();
  }

  /** The name of the constraint the server reported, or null. */
  public static String constraint(SQLException e) {
    ServerErrorMessage server = server(e);
    return server == null ? null : server.getConstraint();
  }

  private static ServerErrorMessage server(SQLException e) {
    return e instanceof PSQLException p ? p.getServerErrorMessage() : null;
  }
}
