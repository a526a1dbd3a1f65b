package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code renameTable}: the table takes its new name at expand and an updatable view keeps the old
 * name working; contract drops the view.
 */
@ValidationRule(value = "self.from != self.to", message = "renameTable.to must differ from from")
public class RenameTable {

  @Default("public")
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Schema of the table. Defaults to public.")
  private String schema = "public";

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Current table name, used by the old application.")
  private String from;

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("New table name, used by the new application.")
  private String to;

  public RenameTable() {}

  public RenameTable(String from, String to) {
    this.from = from;
    this.to = to;
  }

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }
}
