package dev.dovetail.postgres;

import java.time.Instant;

/**
 * What the operator recorded of one operation, in the same transaction as its DDL.
 *
 * @param state expanded, validated (post-backfill DDL done) or contracted
 */
public record OperationRecord(
    String operationId, String specJson, String state, Instant expandedAt, Instant contractedAt) {}
