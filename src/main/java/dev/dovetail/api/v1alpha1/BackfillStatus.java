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
        String throttled) {}
