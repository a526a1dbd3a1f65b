package dev.dovetail.postgres.lint;

import dev.dovetail.postgres.lint.SqlToken.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks and splits user-written SQL text. Expressions from the spec (defaults, checks, index
 * predicates, conversions) are spliced into DDL, so each must be exactly one expression: no
 * statement separator, no comment that could hide the rest of our statement, and parentheses that
 * never close one of ours.
 */
public final class SqlText {
  private SqlText() {}

  /** A statement of a script: its text and its tokens without comments. */
  public record Statement(String text, List<SqlToken> tokens) {
    /** The statement on one line, cut at 80 characters, for messages. */
    public String abbreviated() {
      String oneLine = text.replaceAll("\\s+", " ").trim();
      return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
  }

  /** Why {@code text} is not a single SQL expression (or type name), or empty when it is. */
  public static Optional<String> expressionProblem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("must not be empty");
    }
    List<SqlToken> tokens;
    try {
      tokens = SqlLexer.tokens(text);
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    int depth = 0;
    for (SqlToken t : tokens) {
      if (t.type() == Type.COMMENT) {
        return Optional.of("must not contain comments");
      }
      if (t.isSymbol(";")) {
        return Optional.of("must be one expression, without ';'");
      }
      if (t.isSymbol("(") || t.isSymbol("[")) {
        depth++;
      } else if (t.isSymbol(")") || t.isSymbol("]")) {
        depth--;
        if (depth < 0) {
          return Optional.of("has an unbalanced closing parenthesis");
        }
      }
    }
    return depth == 0 ? Optional.empty() : Optional.of("has an unclosed parenthesis");
  }

  /**
   * The statements of a script, split at top-level semicolons; empty statements are dropped.
   *
   * @throws IllegalArgumentException for an unterminated string, identifier or comment
   */
  public static List<Statement> statements(String script) {
    List<SqlToken> tokens = SqlLexer.tokens(script);
    var statements = new ArrayList<Statement>();
    var current = new ArrayList<SqlToken>();
    for (SqlToken t : tokens) {
      if (t.isSymbol(";")) {
        add(statements, script, current);
        current = new ArrayList<>();
      } else if (t.type() != Type.COMMENT) {
        current.add(t);
      }
    }
    add(statements, script, current);
    return statements;
  }

  /**
   * {@code expression} with every reference to the column {@code column} replaced by {@code
   * replacement} (e.g. NEW."score" inside a trigger). Qualified names, function names and text
   * inside strings are left alone.
   */
  public static String replaceColumn(String expression, String column, String replacement) {
    List<SqlToken> tokens = SqlLexer.tokens(expression);
    var out = new StringBuilder();
    int copied = 0;
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      boolean qualified = i > 0 && tokens.get(i - 1).isSymbol(".");
      boolean qualifier = i + 1 < tokens.size() && tokens.get(i + 1).isSymbol(".");
      boolean call = i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("(");
      boolean cast = i > 0 && tokens.get(i - 1).isSymbol("::");
      if (t.isIdentifier()
          && t.name().equals(column)
          && !qualified
          && !qualifier
          && !call
          && !cast) {
        out.append(expression, copied, t.offset()).append(replacement);
        copied = t.offset() + t.text().length();
      }
    }
    return out.append(expression.substring(copied)).toString();
  }

  /** The statements' texts, ready to run one by one. */
  public static List<String> statementTexts(String script) {
    return statements(script).stream().map(Statement::text).toList();
  }

  /** The statement's source text runs from its first to its last token (comments inside kept). */
  private static void add(List<Statement> out, String script, List<SqlToken> tokens) {
    if (!tokens.isEmpty()) {
      SqlToken last = tokens.get(tokens.size() - 1);
      String text = script.substring(tokens.get(0).offset(), last.offset() + last.text().length());
      out.add(new Statement(text, List.copyOf(tokens)));
    }
  }
}
