package dev.dovetail.postgres.cutover;

/**
 * Something in the spec that the databases refuse (a missing table, a table without a primary key,
 * a target table of another shape). Thrown before anything is created; {@link #field()} names the
 * spec field, e.g. {@code spec.tables[1]}.
 */
public final class CutoverProblem extends Exception {
  private final String field;

  public CutoverProblem(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
