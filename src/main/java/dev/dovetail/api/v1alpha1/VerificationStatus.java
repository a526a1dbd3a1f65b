package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The latest verification run, computed in the database per primary-key chunk. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationStatus(
    @JsonPropertyDescription("Name of the verification Job.") String job,
    @JsonPropertyDescription("Rows compared.") Long rowsChecked,
    @JsonPropertyDescription("Rows whose new side is still missing.") Long rowsPending,
    @JsonPropertyDescription("Rows whose new side differs from the old side's conversion.")
        Long rowsDiffering,
    @JsonPropertyDescription("A few primary keys of pending or differing rows.")
        List<String> sampleKeys,
    @JsonPropertyDescription("When the run finished (RFC 3339).") String finishedAt) {}
