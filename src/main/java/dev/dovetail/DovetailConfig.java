package dev.dovetail;

import java.time.Duration;

/**
 * Operator-wide settings, independent of Quarkus so that tests and local mode build the same
 * reconcilers the operator image runs.
 *
 * @param workerImage image of backfill/verify/copy Jobs: the operator's own image
 * @param jobBackoffLimit pod retries of a worker Job (a retried worker resumes from its checkpoint)
 * @param jobActiveDeadline wall-clock limit of one worker Job
 * @param jobTtlAfterFinished how long a finished Job is kept for inspection
 * @param recheckInterval backstop re-check of database-side facts (lag, progress) while waiting
 */
public record DovetailConfig(
    String workerImage,
    int jobBackoffLimit,
    Duration jobActiveDeadline,
    Duration jobTtlAfterFinished,
    Duration recheckInterval) {

  public static DovetailConfig defaults() {
    return new DovetailConfig(
        "ghcr.io/dovetail-dev/dovetail-operator:latest",
        6,
        Duration.ofHours(24),
        Duration.ofDays(1),
        Duration.ofSeconds(2));
  }

  public DovetailConfig withRecheckInterval(Duration interval) {
    return new DovetailConfig(
        workerImage, jobBackoffLimit, jobActiveDeadline, jobTtlAfterFinished, interval);
  }
}
