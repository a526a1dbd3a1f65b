package dev.dovetail.postgres;

import java.time.Duration;
import java.time.Instant;

/** A backend holding a lock our DDL waited for, as pg_stat_activity shows it. */
public record Blocker(
    int pid, String state, Instant transactionStart, String applicationName, String query) {

  public String describe() {
    return "pid %d (%s since %s, app \"%s\"): %s"
        .formatted(
            pid, state, transactionStart, applicationName == null ? "" : applicationName, query);
  }

  /** As {@link #describe()}, with the transaction's age at {@code now} instead of its start. */
  public String describeAge(Instant now) {
    Duration age =
        transactionStart == null ? Duration.ZERO : Duration.between(transactionStart, now);
    return "pid %d (%s, transaction open %s, app \"%s\"): %s"
        .formatted(
            pid,
            state,
            dev.dovetail.api.v1alpha1.Durations.format(age),
            applicationName == null ? "" : applicationName,
            query);
  }
}
