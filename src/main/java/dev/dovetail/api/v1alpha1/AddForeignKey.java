package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** {@code addForeignKey}: added NOT VALID (new writes checked at once), then validated. */
@ValidationRule(
    value = "size(self.columns) == size(self.references.columns)",
    message = "addForeignKey.columns and references.columns must have the same length")
public class AddForeignKey extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Constraint name.")
  private String name;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription("Referencing columns of this table, in order.")
  private List<@Pattern(Identifiers.PATTERN) @Size(max = Identifiers.MAX_LENGTH) String> columns =
      new ArrayList<>();

  @Required
  @JsonPropertyDescription("The referenced table and columns.")
  private ForeignKeyReference references;

  @Default("NoAction")
  @JsonPropertyDescription(
      "What happens to referencing rows when the referenced row is deleted: NoAction (default),"
          + " Restrict, Cascade, SetNull, SetDefault.")
  private ReferentialAction onDelete = ReferentialAction.NoAction;

  public AddForeignKey() {}

  public AddForeignKey(String table, String name, List<String> columns, ForeignKeyReference ref) {
    setTable(table);
    this.name = name;
    this.columns = new ArrayList<>(columns);
    this.references = ref;
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

  public ForeignKeyReference getReferences() {
    return references;
  }

  public void setReferences(ForeignKeyReference references) {
    this.references = references;
  }

  public ReferentialAction getOnDelete() {
    return onDelete;
  }

  public void setOnDelete(ReferentialAction onDelete) {
    this.onDelete = onDelete;
  }
}
