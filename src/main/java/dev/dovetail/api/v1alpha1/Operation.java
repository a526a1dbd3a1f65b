package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One schema change. Exactly one kind is set, like a pgroll operation. New kinds are added as new
 * fields here and counted in the rule below.
 */
@ValidationRule(
    value = "[has(self.renameColumn)].filter(k, k).size() == 1",
    message = "each operation sets exactly one known kind (renameColumn)")
public class Operation {

  @JsonPropertyDescription(
      "Rename a column without breaking running applications: a new column kept in sync with the"
          + " old one by a trigger, backfilled, verified; contract drops the old column.")
  private RenameColumn renameColumn;

  public Operation() {}

  public static Operation renameColumn(RenameColumn renameColumn) {
    var op = new Operation();
    op.setRenameColumn(renameColumn);
    return op;
  }

  public RenameColumn getRenameColumn() {
    return renameColumn;
  }

  public void setRenameColumn(RenameColumn renameColumn) {
    this.renameColumn = renameColumn;
  }

  /** The kind's name as written in YAML, or null when none is set. */
  @JsonIgnore
  public String kind() {
    return renameColumn != null ? "renameColumn" : null;
  }
}
