package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code createIndex}: always CREATE INDEX CONCURRENTLY, outside a transaction; an INVALID index
 * left by a failed build is detected, dropped and rebuilt.
 */
public class CreateIndex extends TableTarget {

  @Required
  @Pattern(Identifiers.PATTERN)
  @Size(max = Identifiers.MAX_LENGTH)
  @JsonPropertyDescription("Index name (in the table's schema).")
  private String name;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription("Indexed columns, in order.")
  private List<@Pattern(Identifiers.PATTERN) @Size(max = Identifiers.MAX_LENGTH) String> columns =
      new ArrayList<>();

  @JsonPropertyDescription(
      "A unique index. Duplicates are looked for first and reported by key in the condition.")
  private boolean unique;

  @JsonPropertyDescription("Partial index predicate (SQL), e.g. deleted_at IS NULL.")
  @Size(max = Expressions.MAX_LENGTH)
  private String where;

  @Default("btree")
  @JsonPropertyDescription("Access method: btree (default), hash, gist, gin, brin, spgist.")
  private IndexMethod method = IndexMethod.btree;

  @Default("2h")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long the build may take, waiting for older transactions included: a concurrent build"
          + " waits for every transaction older than itself, without blocking reads or writes."
          + " Default 2h.")
  @Size(max = 32)
  private String timeout = "2h";

  public CreateIndex() {}

  public CreateIndex(String table, String name, List<String> columns) {
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

  public boolean isUnique() {
    return unique;
  }

  public void setUnique(boolean unique) {
    this.unique = unique;
  }

  public String getWhere() {
    return where;
  }

  public void setWhere(String where) {
    this.where = where;
  }

  public IndexMethod getMethod() {
    return method;
  }

  public void setMethod(IndexMethod method) {
    this.method = method;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
