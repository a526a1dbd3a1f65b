package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A foreign key of a moved table on the source, and where it stands on the target. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CutoverForeignKeyStatus(
    @JsonPropertyDescription("The constraint's name on the source.") String name,
    @JsonPropertyDescription("The moved table that holds it, schema.table.") String table,
    @JsonPropertyDescription("The table it references, schema.table.") String references,
    @JsonPropertyDescription(
            "Pending (added NOT VALID on the target once the copy is done), NotValid (checked for"
                + " new writes on the target), Validated (holds for every row on the target;"
                + " done before the write switch), NotMoved (references a table outside the move:"
                + " not created on the target).")
        String state) {}
