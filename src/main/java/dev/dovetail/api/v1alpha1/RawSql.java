package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * {@code sql}: the escape hatch. Refused unless {@code spec.allowRawSql} is true, and linted:
 * statements that hold an ACCESS EXCLUSIVE lock for long are refused with the safe alternative.
 */
public class RawSql {

  @Required
  @JsonPropertyDescription(
      "Statements run at expand, in one transaction under the DDL lock_timeout (CREATE/DROP"
          + " INDEX CONCURRENTLY statements run on their own, outside it).")
  @Size(max = Expressions.MAX_SCRIPT_LENGTH)
  private String up;

  @Required
  @JsonPropertyDescription("Statements that undo up exactly; run on rollback. Linted like up.")
  @Size(max = Expressions.MAX_SCRIPT_LENGTH)
  private String down;

  public RawSql() {}

  public RawSql(String up, String down) {
    this.up = up;
    this.down = down;
  }

  public String getUp() {
    return up;
  }

  public void setUp(String up) {
    this.up = up;
  }

  public String getDown() {
    return down;
  }

  public void setDown(String down) {
    this.down = down;
  }
}
