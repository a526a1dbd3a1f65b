package dev.dovetail.postgres.change;

import dev.dovetail.postgres.OperationStates;
import java.util.Set;

/**
 * The old side a reversible contract hides instead of dropping: renamed away (data kept, kept in
 * sync by the operation's trigger) until cleanup, so that moving spec.phase back to Expand renames
 * it back. Shared by the kinds whose contract is reversible, so they agree on the name and on when
 * the catalog shows the hidden name instead of the original.
 */
final class HiddenColumns {
  private static final Set<String> HIDDEN =
      Set.of(OperationStates.CONTRACTED, OperationStates.UNCONTRACTING, OperationStates.CLEANING);

  private HiddenColumns() {}

  /** The name an old column has between contract and cleanup. */
  static String oldColumn(String id) {
    return "dovetail_old_" + id;
  }

  /** Whether, in this recorded state, contract has renamed the old side away (and not back). */
  static boolean hidden(String state) {
    return state != null && HIDDEN.contains(state);
  }
}
