package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Gates of a cutover step. */
public class CutoverGates {

  @Default("5s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Largest end-to-end replication lag at which a step may be applied.")
  private String maxReplicationLag = "5s";

  @Default("10m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long a step must have held before the next may be applied.")
  private String minSoak = "10m";

  @JsonPropertyDescription("Fall back to the last good step when a gate fails after a step.")
  private boolean rollbackOnFailure;

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
}
