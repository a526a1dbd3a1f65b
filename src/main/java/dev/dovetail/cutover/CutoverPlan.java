package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import java.util.EnumSet;
import java.util.Set;

/**
 * What one pass does and how the status reads afterwards, decided by {@link CutoverPlanner}.
 *
 * @param phase status.phase after this pass
 * @param state Ready/Progressing: reached, moving or blocked
 * @param replication the ReplicationHealthy gate (null: not measured this pass, carry over)
 * @param consistency the Consistent gate (null: carry over)
 * @param reads the read percent to publish
 * @param lastGood the last read percent that held its gates for minSoak
 * @param writes the write target the flag carries after this pass (before the switch runs)
 * @param switchTo when set, run the write switch toward this side
 * @param degraded reason of Degraded=True, or null when nothing needs a person
 */
public record CutoverPlan(
    String phase,
    State state,
    Set<Action> actions,
    Gate replication,
    Gate consistency,
    int reads,
    int lastGood,
    WriteTarget writes,
    WriteTarget switchTo,
    String degraded,
    String degradedMessage) {

  /** The same plan with Degraded=True for this reason. */
  CutoverPlan degradedBy(String reason, String message) {
    return new CutoverPlan(
        phase,
        state,
        actions,
        replication,
        consistency,
        reads,
        lastGood,
        writes,
        switchTo,
        reason,
        message);
  }

  /** Side effects of a pass, run by {@link CutoverActor} in this order. */
  public enum Action {
    /** Target schema, bookkeeping tables, publication (idempotent). */
    SETUP,
    START_COPY,
    SUBSCRIBE,
    /** Delete a failed compare Job so the round runs again. */
    RETRY_COMPARE,
    START_COMPARE,
    PUBLISH_FLAG,
    /**
     * Before writes move to the target: add any missing foreign key NOT VALID and validate them
     * all, so the target enforces them for every row before it takes writes.
     */
    VALIDATE_FOREIGN_KEYS,
    SWITCH_WRITES,
    /** spec.phase Complete: drop what the operator created in both databases. */
    CLEANUP
  }

  /** The Ready/Progressing pair. */
  public record State(Kind kind, String reason, String message) {
    public enum Kind {
      READY,
      MOVING,
      BLOCKED
    }

    static State ready(String reason, String message) {
      return new State(Kind.READY, reason, message);
    }

    static State moving(String reason, String message) {
      return new State(Kind.MOVING, reason, message);
    }

    static State blocked(String reason, String message) {
      return new State(Kind.BLOCKED, reason, message);
    }
  }

  static Set<Action> actions(Action... actions) {
    var set = EnumSet.noneOf(Action.class);
    set.addAll(java.util.List.of(actions));
    return set;
  }
}
