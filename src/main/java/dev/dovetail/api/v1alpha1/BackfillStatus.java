package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Backfill progress as recorded by the worker's checkpoints. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackfillStatus(
    @JsonPropertyDescription("Name of the backfill Job.") String job,
    @JsonPropertyDescription("Rows examined so far.") Long rowsDone,
    @JsonPropertyDescription("Estimated rows in the table when the backfill started.")
        Long rowsTotal,
    @JsonPropertyDescription("Rows changed by the backfill (the rest were already in sync).")
        Long rowsUpdated,
    @JsonPropertyDescription("Average rows examined per second so far.") Long rowsPerSecond,
    @JsonPropertyDescription("Current adaptive batch size.") Integer batchSize,
    @JsonPropertyDescription("Set while the backfill waits on a gate, with the reason.")
        String throttled,
    @JsonPropertyDescription(
            "Estimated time left at the average rate so far, while the backfill runs (e.g. 2m30s).")
        String eta) {

  /** The rows left at this rate; null when finished, not started, or the rate is unknown. */
  public static String eta(long done, long total, long rowsPerSecond) {
    if (rowsPerSecond <= 0 || done >= total) {
      return null;
    }
    return Durations.format(
        java.time.Duration.ofSeconds(
            Math.max(1, (total - done + rowsPerSecond - 1) / rowsPerSecond)));
  }
}
