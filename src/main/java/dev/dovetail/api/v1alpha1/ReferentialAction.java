package dev.dovetail.api.v1alpha1;

/** What a foreign key does when the referenced row is deleted. */
public enum ReferentialAction {
  NoAction("NO ACTION"),
  Restrict("RESTRICT"),
  Cascade("CASCADE"),
  SetNull("SET NULL"),
  SetDefault("SET DEFAULT");

  private final String sql;

  ReferentialAction(String sql) {
    this.sql = sql;
  }

  /** The SQL words, e.g. SET NULL. */
  public String sql() {
    return sql;
  }
}
