package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Gates of a cutover step. */
public class CutoverGates {

  @Default("5s")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @JsonPropertyDescription("Largest end-to-end replication lag at which a step may be applied.")
  private String maxReplicationLag = "5s";

  @Default("10m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @JsonPropertyDescription("How long a step must have held before the next may be applied.")
  private String minSoak = "10m";

  @JsonPropertyDescription(
      "When a gate turns red on a read step, fall back to the step it was raised from"
          + " (Degraded=True and an Event say why).")
  private boolean rollbackOnFailure;

  @Default("5s")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @JsonPropertyDescription(
      "Longest write pause the write switch may take; past it the switch aborts and the old"
          + " side takes writes again.")
  private String maxWritePause = "5s";

  public String getMaxReplicationLag() {
    return maxReplicationLag;
  }

  public void setMaxReplicationLag(String maxReplicationLag) {
    this.maxReplicationLag = maxReplicationLag;
  }

  public String getMinSoak() {
    return minSoak;
  }

  public void setMinSoak(String minSoak) {
    this.minSoak = minSoak;
  }

  public boolean isRollbackOnFailure() {
    return rollbackOnFailure;
  }

  public void setRollbackOnFailure(boolean rollbackOnFailure) {
    this.rollbackOnFailure = rollbackOnFailure;
  }

  public String getMaxWritePause() {
    return maxWritePause;
  }

  public void setMaxWritePause(String maxWritePause) {
    this.maxWritePause = maxWritePause;
  }
}
