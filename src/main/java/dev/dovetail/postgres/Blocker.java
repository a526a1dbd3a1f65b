package dev.dovetail.postgres;

import java.time.Duration;
import java.time.Instant;

/** A backend holding a lock our DDL waited for, as pg_stat_activity shows it. */
public record Blocker(
    int pid, String state, Instant transactionStart, String applicationName, String query) {

  /**
   * The backend in five consecutive columns from {@code first}: pid, state, xact_start,
   * application_name, the start of its query.
   */
  static Blocker read(java.sql.ResultSet rs, int first) throws java.sql.SQLException {
    var start = rs.getTimestamp(first + 2);
    return new Blocker(
        rs.getInt(first),
        rs.getString(first + 1),
        start == null ? null : start.toInstant(),
        rs.getString(first + 3),
        rs.getString(first + 4));
  }

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
