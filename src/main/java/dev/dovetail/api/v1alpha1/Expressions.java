package dev.dovetail.api.v1alpha1;

/**
 * Bounds of the SQL text fields (expressions, types, raw scripts). Besides refusing absurd input,
 * they let the API server estimate the cost of CEL rules that compare operations: it estimates from
 * maxLength, and an unbounded string counts as the whole request size.
 */
public final class Expressions {
  /** A type name, e.g. varchar(64) or timestamp with time zone. */
  public static final int MAX_TYPE_LENGTH = 128;

  /** One SQL expression: a default, a check, a predicate, a conversion. */
  public static final int MAX_LENGTH = 2048;

  /** The up or down script of a sql operation. */
  public static final int MAX_SCRIPT_LENGTH = 16384;

  private Expressions() {}
}
