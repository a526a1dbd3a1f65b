package dev.dovetail.postgres;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** DDL gave up waiting for a lock; it names who held it so a person can act. */
public class LockBusyException extends Exception {
  private final List<Blocker> blockers;
  private final int attempts;

  public LockBusyException(
      String table, int attempts, Duration lockTimeout, List<Blocker> blockers) {
    super(
        "lock on %s not acquired after %d attempts (lock_timeout %dms); %s"
            .formatted(
                table,
                attempts,
                lockTimeout.toMillis(),
                blockers.isEmpty()
                    ? "the holder finished before it could be named"
                    : "blocked by "
                        + blockers.stream()
                            .map(Blocker::describe)
                            .collect(Collectors.joining("; "))));
    this.blockers = List.copyOf(blockers);
    this.attempts = attempts;
  }

  public List<Blocker> blockers() {
    return blockers;
  }

  public int attempts() {
    return attempts;
  }
}
