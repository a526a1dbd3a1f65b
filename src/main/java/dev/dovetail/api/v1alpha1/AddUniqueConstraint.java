package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code addUniqueConstraint}: a duplicate check, a concurrent unique index, then ADD CONSTRAINT
 * ... UNIQUE USING INDEX (a brief catalog change).
 */
public class AddUniqueConstraint extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Constraint name; its index gets the same name.")
  private String name;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription("Columns that must be unique together.")
  private List<@Pattern(Identifiers.PATTERN) @Size(max = Identifiers.MAX_LENGTH) String> columns =
      new ArrayList<>();

  @Default("2h")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long the concurrent index build may take. Default 2h.")
  @Size(max = 32)
  private String timeout = "2h";

  public AddUniqueConstraint() {}

  public AddUniqueConstraint(String table, String name, List<String> columns) {
    setTable(table);
    this.name = name;
    this.columns = new ArrayList<>(columns);
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getColumns() {
    return columns;
  }

  public void setColumns(List<String> columns) {
    this.columns = columns;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
