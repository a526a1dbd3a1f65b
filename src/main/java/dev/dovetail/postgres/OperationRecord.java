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
 * @param keptForUncontract what the contract drops and uncontract needs to build it again, as the
 *     kind wrote it before its contract ran (dropIndex: the index definition), or null
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
    Instant failedAt,
    String keptForUncontract) {

  public OperationRecord(
      String operationId, String specJson, String state, Instant expandedAt, Instant contractedAt) {
    this(operationId, specJson, state, expandedAt, contractedAt, 0, null, null, null);
  }

  /** A record of a kind that keeps nothing for uncontract. */
  public OperationRecord(
      String operationId,
      String specJson,
      String state,
      Instant expandedAt,
      Instant contractedAt,
      int step,
      String failureReason,
      String failure,
      Instant failedAt) {
    this(
        operationId,
        specJson,
        state,
        expandedAt,
        contractedAt,
        step,
        failureReason,
        failure,
        failedAt,
        null);
  }
}
