package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** {@code addCheckConstraint}: added NOT VALID (new writes checked at once), then validated. */
public class AddCheckConstraint extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Constraint name.")
  private String name;

  @Required
  @JsonPropertyDescription("Boolean SQL expression over the table's columns, e.g. score >= 0.")
  @Size(max = Expressions.MAX_LENGTH)
  private String expression;

  public AddCheckConstraint() {}

  public AddCheckConstraint(String table, String name, String expression) {
    setTable(table);
    this.name = name;
    this.expression = expression;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getExpression() {
    return expression;
  }

  public void setExpression(String expression) {
    this.expression = expression;
  }
}
