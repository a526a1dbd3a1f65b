package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.Reasons;

/**
 * Why this pass could not read the database: the condition reason and a message naming the field,
 * or the sessions whose locks the operator's reads would have had to wait for. The pass decides
 * nothing but to wait and look again; the previous status stays as it was otherwise.
 */
public record Unreadable(String reason, String message) {

  /** No connection: the Secret, the URI or the server (the message names which). */
  public static Unreadable unreachable(String message) {
    return message == null ? null : new Unreadable(Reasons.DATABASE_UNREACHABLE, message);
  }

  /** A read gave up at the operator's lock_timeout behind another session's exclusive lock. */
  public static Unreadable lockWait(String message) {
    return new Unreadable(Reasons.LOCK_TIMEOUT, message);
  }
}
