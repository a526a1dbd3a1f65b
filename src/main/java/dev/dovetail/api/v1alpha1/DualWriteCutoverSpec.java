package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Provisional: the cutover engine arrives with its own issue; the shape below is the contract. */
@ValidationRule(
    value = "self.writeTarget != 'Target' || self.readFromTargetPercent == 100",
    message = "writeTarget: Target requires readFromTargetPercent: 100")
public class DualWriteCutoverSpec {

  @Required
  @JsonPropertyDescription("The database the data lives in today.")
  private DatabaseRef source;

  @Required
  @JsonPropertyDescription("The database the data moves to.")
  private DatabaseRef target;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("Tables to move, as schema.table or table (schema public).")
  private List<@Pattern("^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$") String>
      tables = new ArrayList<>();

  @Default("LogicalReplication")
  @JsonPropertyDescription(
      "How changes reach the target: LogicalReplication (publication and subscription owned by"
          + " the operator) or ApplicationDualWrite (the application writes to both).")
  private SyncMode syncMode = SyncMode.LogicalReplication;

  @Default("0")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Percent of reads routed to the target through the published flag (0, 1, 10, 50, 100)."
          + " Raising it is gated; lowering applies at once.")
  private int readFromTargetPercent;

  @Default("Source")
  @JsonPropertyDescription("Which database receives writes: Source or Target.")
  private WriteTarget writeTarget = WriteTarget.Source;

  @JsonPropertyDescription("Conditions each forward step waits for.")
  private CutoverGates gates = new CutoverGates();

  public DatabaseRef getSource() {
    return source;
  }

  public void setSource(DatabaseRef source) {
    this.source = source;
  }

  public DatabaseRef getTarget() {
    return target;
  }

  public void setTarget(DatabaseRef target) {
    this.target = target;
  }

  public List<String> getTables() {
    return tables;
  }

  public void setTables(List<String> tables) {
    this.tables = tables;
  }

  public SyncMode getSyncMode() {
    return syncMode;
  }

  public void setSyncMode(SyncMode syncMode) {
    this.syncMode = syncMode;
  }

  public int getReadFromTargetPercent() {
    return readFromTargetPercent;
  }

  public void setReadFromTargetPercent(int readFromTargetPercent) {
    this.readFromTargetPercent = readFromTargetPercent;
  }

  public WriteTarget getWriteTarget() {
    return writeTarget;
  }

  public void setWriteTarget(WriteTarget writeTarget) {
    this.writeTarget = writeTarget;
  }

  public CutoverGates getGates() {
    return gates;
  }

  public void setGates(CutoverGates gates) {
    this.gates = gates;
  }

  /** How changes reach the target. */
  public enum SyncMode {
    LogicalReplication,
    ApplicationDualWrite
  }

  /** Which database takes writes. */
  public enum WriteTarget {
    Source,
    Target
  }
}
