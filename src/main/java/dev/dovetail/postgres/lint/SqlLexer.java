package dev.dovetail.postgres.lint;

import dev.dovetail.postgres.lint.SqlToken.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * A lexer for PostgreSQL SQL, just enough to find statement boundaries and keywords reliably:
 * string constants (including E'' escapes and dollar quoting), quoted identifiers and nested block
 * comments are recognised, so a semicolon or keyword inside them is never mistaken for SQL.
 */
public final class SqlLexer {
  private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

  private final String sql;
  private int pos;

  private SqlLexer(String sql) {
    this.sql = sql;
  }

  /**
   * The tokens of {@code sql}, comments included.
   *
   * @throws IllegalArgumentException for an unterminated string, identifier or comment
   */
  public static List<SqlToken> tokens(String sql) {
    return new SqlLexer(sql == null ? "" : sql).all();
  }

  private List<SqlToken> all() {
    var tokens = new ArrayList<SqlToken>();
    while (true) {
      skipWhitespace();
      if (pos >= sql.length()) {
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipWhitespace() {
    while (pos < sql.length() && Character.isWhitespace(sql.charAt(pos))) {
      pos++;
    }
  }

  private SqlToken next() {
    int start = pos;
    char c = sql.charAt(pos);
    if (c == '-' && peek(1) == '-') {
      int end = sql.indexOf('\n', pos);
      pos = end < 0 ? sql.length() : end;
      return new SqlToken(Type.COMMENT, sql.substring(start, pos), start);
    }
    if (c == '/' && peek(1) == '*') {
      return blockComment(start);
    }
    if (c == '\'') {
      quoted('\'', false);
      return new SqlToken(Type.STRING, sql.substring(start, pos), start);
    }
    if ((c == 'E' || c == 'e') && peek(1) == '\'') {
      pos++;
      quoted('\'', true);
      return new SqlToken(Type.STRING, sql.substring(start, pos), start);
    }
    if (c == '"') {
      quoted('"', false);
      return new SqlToken(Type.QUOTED_IDENTIFIER, sql.substring(start, pos), start);
    }
    if (c == '$') {
      String tag = dollarTag();
      if (tag != null) {
        int end = sql.indexOf(tag, pos + tag.length());
        if (end < 0) {
          throw new IllegalArgumentException("unterminated dollar-quoted string " + tag);
        }
        pos = end + tag.length();
        return new SqlToken(Type.STRING, sql.substring(start, pos), start);
      }
    }
    if (Character.isLetter(c) || c == '_') {
      while (pos < sql.length()
          && (Character.isLetterOrDigit(sql.charAt(pos))
              || sql.charAt(pos) == '_'
              || sql.charAt(pos) == '$')) {
        pos++;
      }
      return new SqlToken(Type.WORD, sql.substring(start, pos), start);
    }
    if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
      while (pos < sql.length()
          && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
        pos++;
      }
      return new SqlToken(Type.NUMBER, sql.substring(start, pos), start);
    }
    if (c == ':' && peek(1) == ':') {
      pos += 2;
      return new SqlToken(Type.SYMBOL, "::", start);
    }
    if (OPERATOR_CHARS.indexOf(c) >= 0) {
      while (pos < sql.length()
          && OPERATOR_CHARS.indexOf(sql.charAt(pos)) >= 0
          && !(sql.charAt(pos) == '-' && peek(1) == '-')
          && !(sql.charAt(pos) == '/' && peek(1) == '*')) {
        pos++;
      }
      return new SqlToken(Type.SYMBOL, sql.substring(start, pos), start);
    }
    pos++;
    return new SqlToken(Type.SYMBOL, String.valueOf(c), start);
  }

  private SqlToken blockComment(int start) {
    int depth = 0;
    while (pos < sql.length()) {
      if (sql.startsWith("/*", pos)) {
        depth++;
        pos += 2;
      } else if (sql.startsWith("*/", pos)) {
        depth--;
        pos += 2;
        if (depth == 0) {
          return new SqlToken(Type.COMMENT, sql.substring(start, pos), start);
        }
      } else {
        pos++;
      }
    }
    throw new IllegalArgumentException("unterminated /* comment");
  }

  /** Consumes a quoted run starting at pos; a doubled quote is an escaped quote. */
  private void quoted(char quote, boolean backslashEscapes) {
    pos++;
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (backslashEscapes && c == '\\') {
        pos += 2;
        continue;
      }
      if (c == quote) {
        if (peek(1) == quote) {
          pos += 2;
          continue;
        }
        pos++;
        return;
      }
      pos++;
    }
    throw new IllegalArgumentException(
        quote == '"' ? "unterminated quoted identifier" : "unterminated string constant");
  }

  /** $tag$ or $$ at pos, or null when the $ starts no dollar quote (e.g. a $1 parameter). */
  private String dollarTag() {
    int end = pos + 1;
    while (end < sql.length()
        && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
      end++;
    }
    if (end < sql.length()
        && sql.charAt(end) == '$'
        && (end == pos + 1 || !Character.isDigit(sql.charAt(pos + 1)))) {
      return sql.substring(pos, end + 1);
    }
    return null;
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < sql.length() ? sql.charAt(i) : '\0';
  }
}
