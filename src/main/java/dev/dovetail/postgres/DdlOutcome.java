package dev.dovetail.postgres;

import java.time.Duration;

/** How a DDL step went: attempts taken, the longest single attempt, and the total time. */
public record DdlOutcome(int attempts, Duration longestWait, Duration total) {}
