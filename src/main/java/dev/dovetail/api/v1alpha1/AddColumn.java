package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** {@code addColumn}: a new column, added without a table rewrite. */
@ValidationRule(
    value = "!has(self.notNull) || !self.notNull || has(self.default)",
    message = "addColumn.notNull needs a default: the running application does not set the column")
public class AddColumn extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Name of the new column.")
  private String column;

  @Required
  @JsonPropertyDescription("Its SQL type, e.g. text, bigint, varchar(64), timestamptz.")
  @Size(max = Expressions.MAX_TYPE_LENGTH)
  private String type;

  @JsonProperty("default")
  @JsonPropertyDescription(
      "Default expression, e.g. 'basic' or now(). It must not be volatile (random(),"
          + " gen_random_uuid(), clock_timestamp(), nextval()): a volatile default rewrites the"
          + " whole table under an exclusive lock, so it is refused.")
  @Size(max = Expressions.MAX_LENGTH)
  private String defaultValue;

  @JsonPropertyDescription(
      "Make the column NOT NULL. Needs a default. Done without a scan under an exclusive lock: a"
          + " CHECK (column IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL and the check is"
          + " dropped.")
  private boolean notNull;

  @JsonPropertyDescription(
      "Optional CHECK expression on the new column, e.g. tier <> ''. Added NOT VALID and"
          + " validated after; the constraint is named <table>_<column>_check.")
  @Size(max = Expressions.MAX_LENGTH)
  private String check;

  public AddColumn() {}

  public AddColumn(String table, String column, String type) {
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

  public String getDefaultValue() {
    return defaultValue;
  }

  public void setDefaultValue(String defaultValue) {
    this.defaultValue = defaultValue;
  }

  public boolean isNotNull() {
    return notNull;
  }

  public void setNotNull(boolean notNull) {
    this.notNull = notNull;
  }

  public String getCheck() {
    return check;
  }

  public void setCheck(String check) {
    this.check = check;
  }
}
