package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The continuous verification rounds (compare Jobs). */
public class CutoverVerification {

  @Default("true")
  @JsonPropertyDescription(
      "Copy rows missing on the target from the source. Rows that differ are reported, never"
          + " overwritten.")
  private boolean repair = true;

  @Default("10000")
  @Min(100)
  @Max(1000000)
  @JsonPropertyDescription("Rows per primary-key chunk whose digests are compared.")
  private int chunkSize = 10000;

  @Default("5m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @JsonPropertyDescription("Time between the end of one verification round and the next.")
  private String interval = "5m";

  public boolean isRepair() {
    return repair;
  }

  public void setRepair(boolean repair) {
    this.repair = repair;
  }

  public int getChunkSize() {
    return chunkSize;
  }

  public void setChunkSize(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }
}
