package dev.dovetail.api.v1alpha1;

/** The identifier rule shared by the CRD schema and the operator's own validation. */
public final class Identifiers {
  /**
   * A PostgreSQL identifier Dovetail accepts: a letter or underscore, then letters, digits,
   * underscores or dollar signs, at most 63 bytes (NAMEDATALEN - 1). Identifiers are always quoted
   * in SQL, so case is kept exactly as written.
   */
  public static final String PATTERN = "^[A-Za-z_][A-Za-z0-9_$]{0,62}$";

  /**
   * The same bound as an explicit maxLength: the API server estimates the cost of CEL rules from
   * maxLength (not from patterns), and rules comparing operations must stay inside its budget.
   */
  public static final int MAX_LENGTH = 63;

  private Identifiers() {}
}
