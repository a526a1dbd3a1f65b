package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** {@code renameColumn}: table.from becomes table.to. */
@ValidationRule(value = "self.from != self.to", message = "renameColumn.to must differ from from")
public class RenameColumn {

  @Default("public")
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Schema of the table. Defaults to public.")
  private String schema = "public";

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Table that holds the column; it needs a single-column primary key.")
  private String table;

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Current column name, used by the old application.")
  private String from;

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("New column name, used by the new application.")
  private String to;

  public RenameColumn() {}

  public RenameColumn(String schema, String table, String from, String to) {
    this.schema = schema;
    this.table = table;
    this.from = from;
    this.to = to;
  }

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }

  public String getTable() {
    return table;
  }

  public void setTable(String table) {
    this.table = table;
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
