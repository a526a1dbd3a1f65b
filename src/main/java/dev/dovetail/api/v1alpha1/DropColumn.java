package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * {@code dropColumn}: the new application stops using a column; contract hides it, cleanup drops
 * it.
 */
public class DropColumn extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("The column to drop.")
  private String column;

  @JsonPropertyDescription(
      "Value the column gets when the new application inserts a row without it, e.g. ''"
          + " (an SQL expression). Required when the column is NOT NULL without a default;"
          + " otherwise optional, so that the old application reads a value in new rows.")
  @Size(max = Expressions.MAX_LENGTH)
  private String down;

  public DropColumn() {}

  public DropColumn(String table, String column) {
    setTable(table);
    this.column = column;
  }

  public String getColumn() {
    return column;
  }

  public void setColumn(String column) {
    this.column = column;
  }

  public String getDown() {
    return down;
  }

  public void setDown(String down) {
    this.down = down;
  }
}
