package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** How changes made on the source reach the target while both are live. */
public class CutoverSync {

  @Default("LogicalReplication")
  @JsonPropertyDescription(
      "LogicalReplication (publication on the source and subscription on the target, both owned"
          + " and cleaned up by the operator) or ApplicationDualWrite (the application writes to"
          + " both; the operator only copies, verifies, repairs, gates and publishes the flag).")
  private Mode mode = Mode.LogicalReplication;

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  /** How changes reach the target. */
  public enum Mode {
    LogicalReplication,
    ApplicationDualWrite
  }
}
