package dev.dovetail.postgres.cutover;

import java.time.Instant;
import java.util.List;

/**
 * One finished verification round of a cutover, as recorded on the target: how much was compared,
 * how many rows missing on the target were inserted from the source, and every key that still
 * differed after the recheck ({@code schema.table:key}).
 */
public record VerificationRound(
    long round,
    Instant startedAt,
    Instant finishedAt,
    long chunks,
    long rowsCompared,
    long missingRepaired,
    long differing,
    List<String> differingKeys) {

  public VerificationRound {
    differingKeys = List.copyOf(differingKeys);
  }
}
