package dev.dovetail.postgres;

import java.time.Duration;
import java.time.Instant;

/** The backfill checkpoint of one operation, committed with each batch. */
public record BackfillProgress(
    String operationId,
    String job,
    String lastKey,
    long rowsDone,
    long rowsUpdated,
    long rowsTotal,
    int batchSize,
    String throttled,
    Instant startedAt,
    Instant updatedAt,
    Instant finishedAt) {

  public boolean finished() {
    return finishedAt != null;
  }

  /** Average rows examined per second between the start and the last checkpoint. */
  public long rowsPerSecond() {
    Instant end = finishedAt != null ? finishedAt : updatedAt;
    if (startedAt == null || end == null) {
      return 0;
    }
    long ms = Math.max(1, Duration.between(startedAt, end).toMillis());
    return rowsDone * 1000 / ms;
  }
}
