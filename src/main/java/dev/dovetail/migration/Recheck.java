package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.migration.MigrationStep.Done;
import dev.dovetail.migration.MigrationStep.Invalid;
import dev.dovetail.migration.MigrationStep.Wait;
import java.time.Duration;

/**
 * When to look again without an event. After an action the next step follows at once; while
 * waiting, database-side facts (lag, progress) are re-read on the backstop interval; a finished or
 * invalid migration waits for a spec change, with a slow re-check of lag for the status.
 */
final class Recheck {
  static final Duration IMMEDIATELY = Duration.ofMillis(50);
  static final Duration IDLE = Duration.ofSeconds(60);

  private Recheck() {}

  static Duration after(MigrationStep step, DovetailConfig config) {
    if (step.acts()) {
      return IMMEDIATELY;
    }
    if (step instanceof Wait w) {
      return min(w.recheck(), config.recheckInterval());
    }
    if (step instanceof Done) {
      return IDLE;
    }
    if (step instanceof Invalid) {
      return null; // only a spec change can help
    }
    return config.recheckInterval();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
