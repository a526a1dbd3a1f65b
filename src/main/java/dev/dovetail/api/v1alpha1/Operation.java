package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * One schema change. Exactly one kind is set, like a pgroll operation. A new kind is a new field
 * here, counted in the rule below and listed in {@link #setKinds()}.
 */
@ValidationRule(
    value =
        "[has(self.renameColumn), has(self.addColumn), has(self.dropColumn), has(self.setNotNull), has(self.addCheckConstraint), has(self.addForeignKey), has(self.createIndex), has(self.dropIndex), has(self.addUniqueConstraint), has(self.changeColumnType), has(self.renameTable), has(self.sql)].filter(k, k).size() == 1",
    message =
        "each operation sets exactly one known kind (renameColumn, addColumn, dropColumn, setNotNull, addCheckConstraint, addForeignKey, createIndex, dropIndex, addUniqueConstraint, changeColumnType, renameTable, sql)")
public class Operation {

  @JsonPropertyDescription(
      "Rename a column without breaking running applications: a new column kept in sync with the old one by a trigger, backfilled, verified; contract drops the old column.")
  private RenameColumn renameColumn;

  @JsonPropertyDescription(
      "Add a column, with an optional non-volatile default, NOT NULL and check; never a table rewrite.")
  private AddColumn addColumn;

  @JsonPropertyDescription(
      "Drop a column the new application no longer uses: expand only fills it for new rows when needed, contract hides it, cleanup drops it.")
  private DropColumn dropColumn;

  @JsonPropertyDescription(
      "Make a column NOT NULL through a validated CHECK, optionally filling NULLs with a value.")
  private SetNotNull setNotNull;

  @JsonPropertyDescription("Add a CHECK constraint: NOT VALID, then VALIDATE.")
  private AddCheckConstraint addCheckConstraint;

  @JsonPropertyDescription("Add a foreign key: NOT VALID, then VALIDATE.")
  private AddForeignKey addForeignKey;

  @JsonPropertyDescription("Create an index CONCURRENTLY (unique, partial, any access method).")
  private CreateIndex createIndex;

  @JsonPropertyDescription("Drop an index CONCURRENTLY at contract.")
  private DropIndex dropIndex;

  @JsonPropertyDescription(
      "Add a unique constraint through a concurrent unique index, after a duplicate check.")
  private AddUniqueConstraint addUniqueConstraint;

  @JsonPropertyDescription(
      "Change a column's type through a shadow column kept in sync both ways; contract swaps it in under the same name.")
  private ChangeColumnType changeColumnType;

  @JsonPropertyDescription(
      "Rename a table; an updatable view keeps the old name working until contract.")
  private RenameTable renameTable;

  @JsonPropertyDescription(
      "Raw SQL with up and down, only with spec.allowRawSql: true, linted for long exclusive locks.")
  private RawSql sql;

  public Operation() {}

  public static Operation renameColumn(RenameColumn renameColumn) {
    var op = new Operation();
    op.renameColumn = renameColumn;
    return op;
  }

  public static Operation addColumn(AddColumn addColumn) {
    var op = new Operation();
    op.addColumn = addColumn;
    return op;
  }

  public static Operation dropColumn(DropColumn dropColumn) {
    var op = new Operation();
    op.dropColumn = dropColumn;
    return op;
  }

  public static Operation setNotNull(SetNotNull setNotNull) {
    var op = new Operation();
    op.setNotNull = setNotNull;
    return op;
  }

  public static Operation addCheckConstraint(AddCheckConstraint addCheckConstraint) {
    var op = new Operation();
    op.addCheckConstraint = addCheckConstraint;
    return op;
  }

  public static Operation addForeignKey(AddForeignKey addForeignKey) {
    var op = new Operation();
    op.addForeignKey = addForeignKey;
    return op;
  }

  public static Operation createIndex(CreateIndex createIndex) {
    var op = new Operation();
    op.createIndex = createIndex;
    return op;
  }

  public static Operation dropIndex(DropIndex dropIndex) {
    var op = new Operation();
    op.dropIndex = dropIndex;
    return op;
  }

  public static Operation addUniqueConstraint(AddUniqueConstraint addUniqueConstraint) {
    var op = new Operation();
    op.addUniqueConstraint = addUniqueConstraint;
    return op;
  }

  public static Operation changeColumnType(ChangeColumnType changeColumnType) {
    var op = new Operation();
    op.changeColumnType = changeColumnType;
    return op;
  }

  public static Operation renameTable(RenameTable renameTable) {
    var op = new Operation();
    op.renameTable = renameTable;
    return op;
  }

  public static Operation sql(RawSql sql) {
    var op = new Operation();
    op.sql = sql;
    return op;
  }

  public RenameColumn getRenameColumn() {
    return renameColumn;
  }

  public void setRenameColumn(RenameColumn renameColumn) {
    this.renameColumn = renameColumn;
  }

  public AddColumn getAddColumn() {
    return addColumn;
  }

  public void setAddColumn(AddColumn addColumn) {
    this.addColumn = addColumn;
  }

  public DropColumn getDropColumn() {
    return dropColumn;
  }

  public void setDropColumn(DropColumn dropColumn) {
    this.dropColumn = dropColumn;
  }

  public SetNotNull getSetNotNull() {
    return setNotNull;
  }

  public void setSetNotNull(SetNotNull setNotNull) {
    this.setNotNull = setNotNull;
  }

  public AddCheckConstraint getAddCheckConstraint() {
    return addCheckConstraint;
  }

  public void setAddCheckConstraint(AddCheckConstraint addCheckConstraint) {
    this.addCheckConstraint = addCheckConstraint;
  }

  public AddForeignKey getAddForeignKey() {
    return addForeignKey;
  }

  public void setAddForeignKey(AddForeignKey addForeignKey) {
    this.addForeignKey = addForeignKey;
  }

  public CreateIndex getCreateIndex() {
    return createIndex;
  }

  public void setCreateIndex(CreateIndex createIndex) {
    this.createIndex = createIndex;
  }

  public DropIndex getDropIndex() {
    return dropIndex;
  }

  public void setDropIndex(DropIndex dropIndex) {
    this.dropIndex = dropIndex;
  }

  public AddUniqueConstraint getAddUniqueConstraint() {
    return addUniqueConstraint;
  }

  public void setAddUniqueConstraint(AddUniqueConstraint addUniqueConstraint) {
    this.addUniqueConstraint = addUniqueConstraint;
  }

  public ChangeColumnType getChangeColumnType() {
    return changeColumnType;
  }

  public void setChangeColumnType(ChangeColumnType changeColumnType) {
    this.changeColumnType = changeColumnType;
  }

  public RenameTable getRenameTable() {
    return renameTable;
  }

  public void setRenameTable(RenameTable renameTable) {
    this.renameTable = renameTable;
  }

  public RawSql getSql() {
    return sql;
  }

  public void setSql(RawSql sql) {
    this.sql = sql;
  }

  /** The names (as written in YAML) of the kinds this operation sets; exactly one is valid. */
  @JsonIgnore
  public List<String> setKinds() {
    var set = new ArrayList<String>();
    if (renameColumn != null) {
      set.add("renameColumn");
    }
    if (addColumn != null) {
      set.add("addColumn");
    }
    if (dropColumn != null) {
      set.add("dropColumn");
    }
    if (setNotNull != null) {
      set.add("setNotNull");
    }
    if (addCheckConstraint != null) {
      set.add("addCheckConstraint");
    }
    if (addForeignKey != null) {
      set.add("addForeignKey");
    }
    if (createIndex != null) {
      set.add("createIndex");
    }
    if (dropIndex != null) {
      set.add("dropIndex");
    }
    if (addUniqueConstraint != null) {
      set.add("addUniqueConstraint");
    }
    if (changeColumnType != null) {
      set.add("changeColumnType");
    }
    if (renameTable != null) {
      set.add("renameTable");
    }
    if (sql != null) {
      set.add("sql");
    }
    return set;
  }

  /** The kind's name as written in YAML, or null unless exactly one kind is set. */
  @JsonIgnore
  public String kind() {
    var set = setKinds();
    return set.size() == 1 ? set.get(0) : null;
  }

  /** Every kind's name, in the order they are documented. */
  public static final List<String> KINDS =
      List.of(
          "renameColumn",
          "addColumn",
          "dropColumn",
          "setNotNull",
          "addCheckConstraint",
          "addForeignKey",
          "createIndex",
          "dropIndex",
          "addUniqueConstraint",
          "changeColumnType",
          "renameTable",
          "sql");
}
