package dev.dovetail.postgres.lint;

import java.util.Locale;

/**
 * One lexical token of PostgreSQL SQL.
 *
 * @param text the token as written
 * @param offset where it starts in the source
 */
public record SqlToken(Type type, String text, int offset) {

  public enum Type {
    /** An unquoted identifier or keyword. */
    WORD,
    /** A double-quoted identifier. */
    QUOTED_IDENTIFIER,
    /** A string constant: '...', E'...', $tag$...$tag$. */
    STRING,
    NUMBER,
    /** An operator or punctuation: ( ) , ; . :: and operator characters. */
    SYMBOL,
    /** A line comment or a block comment. */
    COMMENT
  }

  /** True for an unquoted word equal (ignoring case) to {@code keyword}. */
  public boolean is(String keyword) {
    return type == Type.WORD && text.equalsIgnoreCase(keyword);
  }

  public boolean isSymbol(String symbol) {
    return type == Type.SYMBOL && text.equals(symbol);
  }

  /** The name an identifier token denotes: unquoted words fold to lower case, quoted ones not. */
  public String name() {
    return switch (type) {
      case WORD -> text.toLowerCase(Locale.ROOT);
      case QUOTED_IDENTIFIER -> text.substring(1, text.length() - 1).replace("\"\"", "\"");
      default -> text;
    };
  }

  public boolean isIdentifier() {
    return type == Type.WORD || type == Type.QUOTED_IDENTIFIER;
  }
}
