package dev.dovetail.postgres;

import dev.dovetail.postgres.lint.SqlText;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Asks PostgreSQL whether an expression or type from the spec is valid, before any DDL runs and
 * without changing anything: each probe is parsed and planned (EXPLAIN, never executed) inside a
 * transaction that is rolled back. The text is first checked to be a single expression, so it can
 * never end our statement. Each method returns the problem, or empty when there is none.
 */
public final class ExpressionProbe {
  private final Connection connection;

  public ExpressionProbe(Connection connection) {
    this.connection = connection;
  }

  /** The text names a type, e.g. varchar(64). */
  public Optional<String> typeProblem(String type) throws SQLException {
    return lexical(type).or(() -> explain("SELECT CAST(NULL AS " + type + ")", true));
  }

  /** A constant expression (no column) that converts to {@code type}. */
  public Optional<String> valueProblem(String expression, String type) throws SQLException {
    return lexical(expression)
        .or(() -> explain("SELECT CAST((" + expression + ") AS " + type + ")", true));
  }

  /**
   * A boolean expression over the columns of {@code relation}: a quoted, qualified table, or a
   * subquery with an alias that adds a column not yet created.
   */
  public Optional<String> predicateProblem(String relation, String expression) {
    return lexical(expression)
        .or(() -> explain("SELECT 1 FROM " + relation + " WHERE (" + expression + ")", true));
  }

  /** An expression over the columns of {@code relation} that converts to {@code type}. */
  public Optional<String> expressionProblem(String relation, String expression, String type) {
    return lexical(expression)
        .or(
            () ->
                explain(
                    "SELECT CAST((" + expression + ") AS " + type + ") FROM " + relation, true));
  }

  /**
   * A column default that PostgreSQL stores as a "missing value" (PostgreSQL 11+ fast default):
   * adding the column then changes only the catalog. A volatile default (random(),
   * clock_timestamp(), nextval()) would rewrite the table instead, so it is a problem. Probed on a
   * one-row temporary table in a transaction that is rolled back.
   */
  public Optional<String> volatileDefaultProblem(String type, String expression)
      throws SQLException {
    Optional<String> lexical = lexical(expression).or(() -> lexical(type));
    if (lexical.isPresent()) {
      return lexical;
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      s.execute("SET LOCAL statement_timeout = '5s'");
      s.execute("CREATE TEMPORARY TABLE dovetail_default_probe (probe int) ON COMMIT DROP");
      s.execute("INSERT INTO dovetail_default_probe VALUES (1)");
      s.execute(
          "ALTER TABLE dovetail_default_probe ADD COLUMN probed "
              + type
              + " DEFAULT ("
              + expression
              + ")");
      // A NULL default needs no missing value: atthasmissing stays false, and nothing is rewritten.
      try (var rs =
          s.executeQuery(
              "SELECT a.atthasmissing OR coalesce(pg_get_expr(d.adbin, d.adrelid) ~* '^NULL(::.*)?$',"
                  + " true) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid"
                  + " AND d.adnum = a.attnum WHERE a.attrelid = 'dovetail_default_probe'::regclass"
                  + " AND a.attname = 'probed'")) {
        rs.next();
        return rs.getBoolean(1)
            ? Optional.empty()
            : Optional.of(
                "the default ("
                    + expression
                    + ") is volatile: adding it would rewrite every row under an ACCESS EXCLUSIVE"
                    + " lock; add the column without it (or with a constant) and fill it later");
      }
    } catch (SQLException e) {
      return Optional.of(firstLine(e));
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
  }

  private static Optional<String> lexical(String text) {
    if (text != null && text.contains("$dovetail$")) {
      return Optional.of("must not contain $dovetail$");
    }
    return SqlText.expressionProblem(text);
  }

  private Optional<String> explain(String query, boolean readOnly) {
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        if (readOnly) {
          s.execute("SET TRANSACTION READ ONLY");
        }
        s.execute("SET LOCAL statement_timeout = '5s'");
        s.execute("EXPLAIN " + query);
        return Optional.empty();
      } catch (SQLException e) {
        return Optional.of(firstLine(e));
      } finally {
        connection.rollback();
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      return Optional.of(firstLine(e));
    }
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage() == null ? e.getSQLState() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
