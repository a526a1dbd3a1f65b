package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Conditions forward steps wait for. Rollback is never gated. */
public class MigrationGates {

  @Default("60s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Largest replica lag (seconds behind the primary, measured) at which DDL may run and the"
          + " backfill may write. Example: 60s.")
  private String maxReplicationLag = "60s";

  @Default("0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long the verified expand must have been in place before Contract may run. Example:"
          + " 24h.")
  private String minExpandDuration = "0s";

  /**
   * 5 minutes: far longer than any healthy OLTP transaction, so the report is never noise, yet
   * short enough to catch the forgotten {@code psql} session or stuck batch job before it makes
   * every DDL attempt wait out its lock_timeout. The report does not block anything.
   */
  @Default("5m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Before DDL, transactions open longer than this that hold a lock on a table an operation"
          + " touches are reported (status.longTransactions, a Warning Event); they do not block"
          + " expand. 0s turns the report off. Default 5m.")
  private String longTransactionWarning = "5m";

  /**
   * 0 (the default) means 90% of the server's {@code max_connections}. The database cannot tell a
   * non-superuser how many cores it has, so no fixed number fits both a small and a large server;
   * {@code max_connections} is the capacity figure the operator of the database chose and any role
   * can read, and when nine in ten connection slots are busy running a query the server is
   * saturated and the backfill (one more busy backend) should yield. Teams that know their core
   * count set an absolute number (e.g. 2× cores).
   */
  @Default("0")
  @Min(0)
  @JsonPropertyDescription(
      "The backfill runs no batch while more backends than this are active (pg_stat_activity"
          + " state 'active', client backends of the migrated database, the worker itself not"
          + " counted). 0 (default) means 90% of the server's max_connections. Needs pg_monitor"
          + " (pg_read_all_stats) to see other roles' backends.")
  private int maxActiveConnections = 0;

  @Default("10")
  @Min(0)
  @JsonPropertyDescription(
      "The backfill runs no batch while more backends than this wait on a heavyweight lock"
          + " (pg_stat_activity wait_event_type 'Lock', client backends of the migrated database)."
          + " 0 means any lock wait pauses it. Default 10.")
  private int maxLockWaits = 10;

  public String getMaxReplicationLag() {
    return maxReplicationLag;
  }

  public void setMaxReplicationLag(String maxReplicationLag) {
    this.maxReplicationLag = maxReplicationLag;
  }

  public String getLongTransactionWarning() {
    return longTransactionWarning;
  }

  public void setLongTransactionWarning(String longTransactionWarning) {
    this.longTransactionWarning = longTransactionWarning;
  }

  public int getMaxActiveConnections() {
    return maxActiveConnections;
  }

  public void setMaxActiveConnections(int maxActiveConnections) {
    this.maxActiveConnections = maxActiveConnections;
  }

  public int getMaxLockWaits() {
    return maxLockWaits;
  }

  public void setMaxLockWaits(int maxLockWaits) {
    this.maxLockWaits = maxLockWaits;
  }

  public String getMinExpandDuration() {
    return minExpandDuration;
  }

  public void setMinExpandDuration(String minExpandDuration) {
    this.minExpandDuration = minExpandDuration;
  }
}
