package dev.dovetail.postgres;

import java.time.Instant;

/** A backend holding a lock our DDL waited for, as pg_stat_activity shows it. */
public record Blocker(
    int pid, String state, Instant transactionStart, String applicationName, String query) {

  public String describe() {
    return "pid %d (%s since %s, app \"%s\"): %s"
        .formatted(
            pid, state, transactionStart, applicationName == null ? "" : applicationName, query);
  }
}
