package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The pre-migration snapshot of the generation being expanded (spec.snapshot). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotStatus(
    @JsonPropertyDescription("VolumeSnapshot or PgDump.") String kind,
    @JsonPropertyDescription("Name of the VolumeSnapshot, or of the dump Job.") String name,
    @JsonPropertyDescription("The spec generation the snapshot was taken for.") Long generation,
    @JsonPropertyDescription("Whether the snapshot is complete and expand may run.")
        Boolean readyToUse,
    @JsonPropertyDescription(
            "pgDump: the dump file at the root of the PVC, e.g. my-migration-g1.dump.")
        String file,
    @JsonPropertyDescription("pgDump: size of the dump file in bytes.") Long bytes,
    @JsonPropertyDescription("pgDump: the tables in the dump, as pg_restore --list shows them.")
        List<String> tables,
    @JsonPropertyDescription("pgDump: how long pg_dump and the pg_restore --list check took.")
        String duration,
    @JsonPropertyDescription("Why the snapshot failed, when it did.") String error) {}
