package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One statement of the plan, shown in status before it runs.
 *
 * @param operation the operation's position and kind, e.g. "0:renameColumn"
 * @param step expand, backfill, validate, verify, contract, cleanup, uncontract or rollback
 * @param sql the statement as it will run (identifiers quoted, no secrets)
 * @param lock the strongest table lock it takes and for how long
 * @param hazard what can go wrong or what it costs, when anything notable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedStatement(
    @JsonPropertyDescription("Operation index and kind, e.g. 0:renameColumn.") String operation,
    @JsonPropertyDescription(
            "expand, backfill, validate, verify, contract, cleanup, uncontract or rollback.")
        String step,
    @JsonPropertyDescription("The statement, identifiers quoted.") String sql,
    @JsonPropertyDescription("The lock it takes and for how long.") String lock,
    @JsonPropertyDescription(
            "What can go wrong or what it costs (scan, data loss, writes refused), when notable.")
        String hazard) {

  public PlannedStatement(String operation, String step, String sql, String lock) {
    this(operation, step, sql, lock, null);
  }
}
