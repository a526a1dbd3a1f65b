package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Backfill batching. The batch size adapts to hit the target duration. */
public class BackfillSettings {

  @Default("1000")
  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription("Rows in the first batch; later batches adapt. Default 1000.")
  private int initialBatchSize = 1000;

  @Default("50000")
  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription("Upper bound for the adaptive batch size. Default 50000.")
  private int maxBatchSize = 50000;

  @Default("200ms")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Wall time one batch should take; the batch size grows or shrinks toward it. Row locks"
          + " are held at most this long. Default 200ms.")
  private String targetBatchDuration = "200ms";

  @Default("0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Pause between batches, to leave room for the workload. Default 0s.")
  private String pauseBetweenBatches = "0s";

  public int getInitialBatchSize() {
    return initialBatchSize;
  }

  public void setInitialBatchSize(int initialBatchSize) {
    this.initialBatchSize = initialBatchSize;
  }

  public int getMaxBatchSize() {
    return maxBatchSize;
  }

  public void setMaxBatchSize(int maxBatchSize) {
    this.maxBatchSize = maxBatchSize;
  }

  public String getTargetBatchDuration() {
    return targetBatchDuration;
  }

  public void setTargetBatchDuration(String targetBatchDuration) {
    this.targetBatchDuration = targetBatchDuration;
  }

  public String getPauseBetweenBatches() {
    return pauseBetweenBatches;
  }

  public void setPauseBetweenBatches(String pauseBetweenBatches) {
    this.pauseBetweenBatches = pauseBetweenBatches;
  }
}
