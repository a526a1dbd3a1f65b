package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Progress of the initial copy, as the copy Job checkpointed it on the target. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CutoverCopyStatus(
    @JsonPropertyDescription("Name of the copy Job.") String job,
    @JsonPropertyDescription("Primary-key ranges copied.") Long rangesDone,
    @JsonPropertyDescription("Primary-key ranges in all.") Long rangesTotal,
    @JsonPropertyDescription("Rows copied so far.") Long rowsCopied,
    @JsonPropertyDescription("When the copy Job succeeded (RFC 3339).") String finishedAt) {}
