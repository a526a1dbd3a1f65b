package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** {@code setNotNull}: a nullable column becomes NOT NULL without a scan under lock. */
public class SetNotNull extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("The column.")
  private String column;

  @JsonPropertyDescription(
      "Value for existing NULLs and for NULLs written while the migration runs (an SQL"
          + " expression, e.g. 'unknown'). Without it, existing NULLs make validation fail and"
          + " an application writing NULL gets an error.")
  @Size(max = Expressions.MAX_LENGTH)
  private String value;

  public SetNotNull() {}

  public SetNotNull(String table, String column) {
    setTable(table);
    this.column = column;
  }

  public String getColumn() {
    return column;
  }

  public void setColumn(String column) {
    this.column = column;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
