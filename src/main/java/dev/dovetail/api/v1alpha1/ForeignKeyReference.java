package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The referenced side of a foreign key. */
public class ForeignKeyReference {

  @Default("public")
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Schema of the referenced table. Defaults to public.")
  private String schema = "public";

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("The referenced table.")
  private String table;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "Referenced columns, in order; a primary key or unique constraint must cover exactly them.")
  private List<@Pattern(Identifiers.PATTERN) @Size(max = Identifiers.MAX_LENGTH) String> columns =
      new ArrayList<>();

  public ForeignKeyReference() {}

  public ForeignKeyReference(String table, List<String> columns) {
    this.table = table;
    this.columns = new ArrayList<>(columns);
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

  public List<String> getColumns() {
    return columns;
  }

  public void setColumns(List<String> columns) {
    this.columns = columns;
  }
}
