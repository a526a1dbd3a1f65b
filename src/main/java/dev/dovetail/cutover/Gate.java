package dev.dovetail.cutover;

/**
 * One gate's verdict, with the condition reason and a message that carries the measured value (a
 * Progressing=False message is only useful when it says what was measured against what).
 */
public record Gate(String condition, boolean green, String reason, String message) {
  public static Gate green(String condition, String reason, String message) {
    return new Gate(condition, true, reason, message);
  }

  public static Gate red(String condition, String reason, String message) {
    return new Gate(condition, false, reason, message);
  }
}
