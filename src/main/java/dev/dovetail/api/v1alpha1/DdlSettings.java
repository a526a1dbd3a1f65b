package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * DDL never queues behind a lock for long: each attempt runs under a short lock_timeout and is
 * retried with exponential backoff and jitter.
 */
public class DdlSettings {

  @Default("500ms")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "lock_timeout of every DDL attempt: the longest any application query can queue behind"
          + " Dovetail's DDL. Default 500ms.")
  private String lockTimeout = "500ms";

  @Default("30s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("statement_timeout of every DDL attempt. Default 30s.")
  private String statementTimeout = "30s";

  @Default("8")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Attempts per reconcile pass before the step reports Blocked and is tried again later."
          + " Default 8.")
  private int maxAttempts = 8;

  public String getLockTimeout() {
    return lockTimeout;
  }

  public void setLockTimeout(String lockTimeout) {
    this.lockTimeout = lockTimeout;
  }

  public String getStatementTimeout() {
    return statementTimeout;
  }

  public void setStatementTimeout(String statementTimeout) {
    this.statementTimeout = statementTimeout;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }
}
