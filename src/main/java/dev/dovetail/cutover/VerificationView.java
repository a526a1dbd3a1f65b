package dev.dovetail.cutover;

import java.time.Instant;
import java.util.List;

/** The latest verification round, as the decisions and the status need it. */
public record VerificationView(
    long round,
    long chunksCompared,
    long rowsCompared,
    long missingRepaired,
    long differing,
    List<String> sampleKeys,
    List<String> allDifferingKeys,
    Instant finishedAt) {}
