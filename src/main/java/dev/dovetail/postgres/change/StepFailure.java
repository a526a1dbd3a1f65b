package dev.dovetail.postgres.change;

/**
 * A step that cannot succeed as things are: existing rows violate the constraint, a unique index
 * has duplicates, a statement was refused. The operator records it, shows it as a condition, and
 * retries the step later; it is never a crash to retry at once.
 *
 * @see dev.dovetail.api.v1alpha1.Reasons
 */
public final class StepFailure extends Exception {
  private final String reason;

  public StepFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The condition reason, from {@link dev.dovetail.api.v1alpha1.Reasons}. */
  public String reason() {
    return reason;
  }
}
