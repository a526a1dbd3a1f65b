package dev.dovetail.local;

import java.time.Duration;
import java.time.Instant;

/** Timestamped lines for the demo's terminal. */
final class Console {
  private static final Instant START = Instant.now();

  private Console() {}

  static void say(String format, Object... args) {
    long ms = Duration.between(START, Instant.now()).toMillis();
    System.out.printf("[%6.1fs] %s%n", ms / 1000.0, String.format(format, args));
    System.out.flush();
  }
}
