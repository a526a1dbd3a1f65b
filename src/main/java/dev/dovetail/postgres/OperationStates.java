package dev.dovetail.postgres;

/**
 * The states of an operation in {@code dovetail.operations}. A stage in progress is recorded as its
 * -ing state with the number of its steps already done; a finished stage as its past tense.
 *
 * <pre>
 * expanding → expanded → validating → validated → contracting → contracted [→ cleaning → cleaned]
 *   any state before contracted  → rolling_back → (row deleted)
 *   contracted (reversible kinds) → uncontracting → validated
 * </pre>
 */
public final class OperationStates {
  public static final String EXPANDING = "expanding";
  public static final String EXPANDED = "expanded";
  public static final String VALIDATING = "validating";
  public static final String VALIDATED = "validated";
  public static final String CONTRACTING = "contracting";
  public static final String CONTRACTED = "contracted";
  public static final String CLEANING = "cleaning";
  public static final String CLEANED = "cleaned";
  public static final String UNCONTRACTING = "uncontracting";
  public static final String ROLLING_BACK = "rolling_back";

  private OperationStates() {}
}
