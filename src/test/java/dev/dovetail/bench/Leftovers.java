package dev.dovetail.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Cleanup for a bench stopped mid-run (Ctrl-C, SIGTERM): the try/finally blocks of a normal run
 * never get there then, so every resource the bench creates is also registered here, and a shutdown
 * hook undoes what is still registered, newest first (subscriptions and slots before the databases
 * that hold them). The actions are idempotent; once the run has ended by itself the bench disarms
 * the hook.
 */
final class Leftovers {
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private static final Deque<Named> PENDING = new ArrayDeque<>();
  private static boolean armed = true;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Leftovers::undo, "bench-cleanup"));
  }

  private record Named(String what, Action action) {}

  private Leftovers() {}

  static synchronized void onInterrupt(String what, Action action) {
    PENDING.push(new Named(what, action));
  }

  /** The run ended by itself: its finally blocks cleaned up. */
  static synchronized void disarm() {
    armed = false;
    PENDING.clear();
  }

  private static synchronized void undo() {
    if (!armed) {
      return;
    }
    while (!PENDING.isEmpty()) {
      var next = PENDING.pop();
      try {
        next.action().run();
        System.err.println("bench interrupted: cleaned up " + next.what());
      } catch (Exception e) {
        System.err.println("bench interrupted: could not clean up " + next.what() + ": " + e);
      }
    }
  }
}
