package dev.dovetail.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dovetail.postgres.BackfillTarget;
import java.util.List;

/**
 * What a worker Job does, passed as JSON in {@code DOVETAIL_PLAN}. It holds no secret: the database
 * URI arrives separately, from a Secret through secretKeyRef.
 *
 * @param migration namespace/name of the DatabaseMigration, keys the bookkeeping rows
 * @param maxActiveConnections gates.maxActiveConnections (0: 90% of max_connections)
 * @param maxLockWaits gates.maxLockWaits
 */
public record WorkerPlan(
    String migration,
    List<BackfillTarget> targets,
    int initialBatchSize,
    int maxBatchSize,
    long targetBatchMillis,
    long pauseBetweenBatchesMillis,
    long maxReplicationLagMillis,
    int maxActiveConnections,
    int maxLockWaits,
    int verifyChunkSize) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the worker plan", e);
    }
  }

  public static WorkerPlan fromJson(String json) {
    try {
      return JSON.readValue(json, WorkerPlan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "DOVETAIL_PLAN is not a valid plan: " + e.getOriginalMessage());
    }
  }
}
