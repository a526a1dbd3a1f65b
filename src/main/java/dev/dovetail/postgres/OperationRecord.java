package dev.dovetail.postgres;

import java.time.Instant;

/**
 * What the operator recorded of one operation, in the same transaction as its DDL (or, before a
 * step that cannot run in a transaction, as the intent to run it).
 *
 * @param state one of {@link OperationStates}
 * @param step in a state ending in -ing, how many steps of that stage are done
 * @param failureReason the condition reason of the last step that failed, or null
 * @param failure its message (naming offending keys where it can), or null
 * @param failedAt when it failed; the step is retried a while after
 */
public record OperationRecord(
    String operationId,
    String specJson,
    String state,
    Instant expandedAt,
    Instant contractedAt,
    int step,
    String failureReason,
    String failure,
    Instant failedAt) {

  public OperationRecord(
      String operationId, String specJson, String state, Instant expandedAt, Instant contractedAt) {
    this(operationId, specJson, state, expandedAt, contractedAt, 0, null, null, null);
  }
}
