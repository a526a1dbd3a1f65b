package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Conditions forward steps wait for. Rollback is never gated. */
public class MigrationGates {

  @Default("60s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Largest replica lag (seconds behind the primary, measured) at which DDL may run and the"
          + " backfill may write. Example: 60s.")
  private String maxReplicationLag = "60s";

  @Default("0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long the verified expand must have been in place before Contract may run. Example:"
          + " 24h.")
  private String minExpandDuration = "0s";

  public String getMaxReplicationLag() {
    return maxReplicationLag;
  }

  public void setMaxReplicationLag(String maxReplicationLag) {
    this.maxReplicationLag = maxReplicationLag;
  }

  public String getMinExpandDuration() {
    return minExpandDuration;
  }

  public void setMinExpandDuration(String minExpandDuration) {
    this.minExpandDuration = minExpandDuration;
  }
}
