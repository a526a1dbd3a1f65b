package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The latest verification round; the full list of differing keys is in the report ConfigMap. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CutoverVerificationStatus(
    @JsonPropertyDescription("Name of the compare Job of this round.") String job,
    @JsonPropertyDescription("Round number, counted by the target's bookkeeping.") Long round,
    @JsonPropertyDescription("Key chunks whose digests were compared.") Long chunksCompared,
    @JsonPropertyDescription("Rows compared.") Long rowsCompared,
    @JsonPropertyDescription(
            "Rows that were missing on the target and were copied from the source.")
        Long missingRepaired,
    @JsonPropertyDescription("Rows that differ between source and target (never overwritten).")
        Long differing,
    @JsonPropertyDescription("Up to 10 keys of differing rows, as table:key.")
        List<String> sampleKeys,
    @JsonPropertyDescription("ConfigMap holding every differing key.") String reportConfigMap,
    @JsonPropertyDescription("When the round finished (RFC 3339).") String finishedAt) {}
