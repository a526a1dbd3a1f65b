package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * {@code changeColumnType}: a shadow column of the new type kept in sync both ways, backfilled,
 * verified, then swapped in under the same name in one short transaction.
 */
public class ChangeColumnType extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("The column; it keeps its name.")
  private String column;

  @Required
  @JsonPropertyDescription("The new SQL type, e.g. bigint or varchar(64).")
  @Size(max = Expressions.MAX_TYPE_LENGTH)
  private String type;

  @JsonPropertyDescription(
      "Forward conversion: an SQL expression over the column giving the new value, e.g."
          + " trim(code). Default: the column cast to the new type.")
  @Size(max = Expressions.MAX_LENGTH)
  private String using;

  @JsonPropertyDescription(
      "Reverse conversion for the old application (and for reverting): an SQL expression over"
          + " the column in its new type giving the old value. Default: a cast to the old type.")
  @Size(max = Expressions.MAX_LENGTH)
  private String reverse;

  public ChangeColumnType() {}

  public ChangeColumnType(String table, String column, String type) {
    setTable(table);
    this.column = column;
    this.type = type;
  }

  public String getColumn() {
    return column;
  }

  public void setColumn(String column) {
    this.column = column;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getUsing() {
    return using;
  }

  public void setUsing(String using) {
    this.using = using;
  }

  public String getReverse() {
    return reverse;
  }

  public void setReverse(String reverse) {
    this.reverse = reverse;
  }
}
