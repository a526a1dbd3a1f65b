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

/** What to move, how changes follow, and the read/write cutover the user steps through in Git. */
@ValidationRule(
    value = "self.writeTarget != 'Target' || self.readFromTargetPercent == 100",
    message = "writeTarget: Target requires readFromTargetPercent: 100")
@ValidationRule(
    value = "has(self.schema) != (has(self.tables) && size(self.tables) > 0)",
    message = "set exactly one of spec.tables or spec.schema")
public class DualWriteCutoverSpec {

  @Required
  @JsonPropertyDescription("The database the data lives in today.")
  private DatabaseRef source;

  @Required
  @JsonPropertyDescription("The database the data moves to.")
  private DatabaseRef target;

  @Size(max = 500)
  @JsonPropertyDescription(
      "Tables to move, as schema.table or table (schema public). Or set schema instead.")
  private List<@Pattern("^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$") String>
      tables = new ArrayList<>();

  @Pattern("^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
  @JsonPropertyDescription(
      "Move every table of this schema (as it stands when the cutover starts) instead of listing"
          + " tables.")
  private String schema;

  @JsonPropertyDescription("How changes reach the target.")
  private CutoverSync sync = new CutoverSync();

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

  @JsonPropertyDescription("The continuous verification rounds.")
  private CutoverVerification verification = new CutoverVerification();

  @JsonPropertyDescription("The initial copy.")
  private CutoverCopy copy = new CutoverCopy();

  @JsonPropertyDescription("Where the routing flag is published.")
  private CutoverFlag flag = new CutoverFlag();

  @Default("false")
  @JsonPropertyDescription(
      "Hold every forward step (read raises, the write switch, new verification rounds);"
          + " replication keeps running and lowering the read percent still applies at once.")
  private boolean paused;

  @Default("Run")
  @JsonPropertyDescription(
      "Run, or Complete: remove the replication, heartbeat and triggers the operator created."
          + " User tables and data are never dropped.")
  private CutoverPhase phase = CutoverPhase.Run;

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

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }

  public CutoverSync getSync() {
    return sync;
  }

  public void setSync(CutoverSync sync) {
    this.sync = sync;
  }

  public CutoverVerification getVerification() {
    return verification;
  }

  public void setVerification(CutoverVerification verification) {
    this.verification = verification;
  }

  public CutoverCopy getCopy() {
    return copy;
  }

  public void setCopy(CutoverCopy copy) {
    this.copy = copy;
  }

  public CutoverFlag getFlag() {
    return flag;
  }

  public void setFlag(CutoverFlag flag) {
    this.flag = flag;
  }

  public CutoverPhase getPhase() {
    return phase;
  }

  public void setPhase(CutoverPhase phase) {
    this.phase = phase;
  }

  public int getReadFromTargetPercent() {
    return readFromTargetPercent;
  }

  public void setReadFromTargetPercent(int readFromTargetPercent) {
    this.readFromTargetPercent = readFromTargetPercent;
  }

  public boolean isPaused() {
    return paused;
  }

  public void setPaused(boolean paused) {
    this.paused = paused;
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

  /** Which database takes writes. */
  public enum WriteTarget {
    Source,
    Target
  }
}
