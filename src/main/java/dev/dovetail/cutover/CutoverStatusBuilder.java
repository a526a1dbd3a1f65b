package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CutoverCopyStatus;
import dev.dovetail.api.v1alpha1.CutoverForeignKeyStatus;
import dev.dovetail.api.v1alpha1.CutoverVerificationStatus;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place a DualWriteCutover status is assembled. It starts from the previous status (what a
 * pass does not observe, such as the copy's result, carries over), takes this pass's facts, and
 * emits the five conditions in a fixed order with Kubernetes transition times.
 */
public final class CutoverStatusBuilder {
  private final DualWriteCutoverStatus previous;
  private final DualWriteCutoverStatus status = new DualWriteCutoverStatus();
  private final Long generation;
  private final Instant now;
  private Condition ready;
  private Condition progressing;
  private Condition replication;
  private Condition consistent;
  private Condition degraded;

  public CutoverStatusBuilder(DualWriteCutoverStatus previous, Long generation, Instant now) {
    this.previous = previous == null ? new DualWriteCutoverStatus() : previous;
    this.generation = generation;
    this.now = now;
    status.setObservedGeneration(generation);
    status.setPhase(this.previous.getPhase());
    status.setReadFromTargetPercent(this.previous.getReadFromTargetPercent());
    status.setLastGoodReadFromTargetPercent(this.previous.getLastGoodReadFromTargetPercent());
    status.setWriteTarget(this.previous.getWriteTarget());
    status.setLastStepAt(this.previous.getLastStepAt());
    status.setReplicationLag(this.previous.getReplicationLag());
    status.setSlotLagBytes(this.previous.getSlotLagBytes());
    status.setLagMeasuredAt(this.previous.getLagMeasuredAt());
    status.setCopy(this.previous.getCopy());
    status.setVerification(this.previous.getVerification());
    status.setForeignKeys(this.previous.getForeignKeys());
    status.setLastWritePause(this.previous.getLastWritePause());
    status.setFlagConfigMap(this.previous.getFlagConfigMap());
    // Gate conditions carry over until re-measured (e.g. a failed pass keeps the last reading),
    // with the generation they were observed at: a Degraded from a fallback stays tied to the
    // spec generation it happened under.
    replication = carried(ConditionTypes.REPLICATION_HEALTHY);
    consistent = carried(ConditionTypes.CONSISTENT);
    degraded = carried(ConditionTypes.DEGRADED);
  }

  public CutoverStatusBuilder phase(String phase) {
    status.setPhase(phase);
    return this;
  }

  /** What the flag carries after this pass; lastStepAt moves only when a value changed. */
  public CutoverStatusBuilder published(int readPercent, int lastGood, WriteTarget writes) {
    boolean changed =
        previous.getReadFromTargetPercent() == null
            || previous.getReadFromTargetPercent() != readPercent
            || !writes.name().equals(previous.getWriteTarget());
    if (changed && previous.getReadFromTargetPercent() != null) {
      status.setLastStepAt(stamp(now));
    }
    status.setReadFromTargetPercent(readPercent);
    status.setLastGoodReadFromTargetPercent(lastGood);
    status.setWriteTarget(writes.name());
    return this;
  }

  public CutoverStatusBuilder flagConfigMap(String name) {
    status.setFlagConfigMap(name);
    return this;
  }

  public CutoverStatusBuilder lag(LagView lag, Instant measuredAt) {
    status.setReplicationLag(
        lag == null || lag.heartbeatLag() == null ? null : Durations.format(lag.heartbeatLag()));
    status.setSlotLagBytes(lag == null ? null : lag.slotLagBytes());
    status.setLagMeasuredAt(measuredAt == null ? null : stamp(measuredAt));
    return this;
  }

  public CutoverStatusBuilder copy(CutoverCopyStatus copy) {
    status.setCopy(copy);
    return this;
  }

  public CutoverStatusBuilder verification(String job, VerificationView v, String reportConfigMap) {
    status.setVerification(
        new CutoverVerificationStatus(
            job,
            v.round(),
            v.chunksCompared(),
            v.rowsCompared(),
            v.missingRepaired(),
            v.differing(),
            v.sampleKeys().stream().limit(10).toList(),
            reportConfigMap,
            v.finishedAt() == null ? null : stamp(v.finishedAt())));
    return this;
  }

  /** The foreign keys as observed this pass; none listed when the moved tables have none. */
  public CutoverStatusBuilder foreignKeys(List<CutoverForeignKeyStatus> keys) {
    status.setForeignKeys(keys == null || keys.isEmpty() ? null : List.copyOf(keys));
    return this;
  }

  public CutoverStatusBuilder writePause(Duration pause) {
    status.setLastWritePause(Durations.format(pause));
    return this;
  }

  public CutoverStatusBuilder gates(Gate replicationGate, Gate consistencyGate) {
    replication = condition(replicationGate);
    consistent = condition(consistencyGate);
    return this;
  }

  /** The requested step is published and green. */
  public CutoverStatusBuilder ready(String message) {
    return ready(Reasons.STEP_REACHED, message);
  }

  /** Reached with a reason of its own (e.g. Completed). */
  public CutoverStatusBuilder ready(String reason, String message) {
    ready = Conditions.of(ConditionTypes.READY, true, reason, message, generation);
    progressing = Conditions.of(ConditionTypes.PROGRESSING, false, reason, message, generation);
    return this;
  }

  /** Moving (copying, catching up, applying a step): Progressing=True. */
  public CutoverStatusBuilder moving(String reason, String message) {
    ready = Conditions.of(ConditionTypes.READY, false, reason, message, generation);
    progressing = Conditions.of(ConditionTypes.PROGRESSING, true, reason, message, generation);
    return this;
  }

  /** Held back by a gate or refused: Progressing=False names the gate and its value. */
  public CutoverStatusBuilder blocked(String reason, String message) {
    ready = Conditions.of(ConditionTypes.READY, false, reason, message, generation);
    progressing = Conditions.of(ConditionTypes.PROGRESSING, false, reason, message, generation);
    return this;
  }

  public CutoverStatusBuilder degraded(String reason, String message) {
    degraded = Conditions.of(ConditionTypes.DEGRADED, true, reason, message, generation);
    return this;
  }

  public CutoverStatusBuilder notDegraded() {
    degraded =
        Conditions.of(
            ConditionTypes.DEGRADED, false, Reasons.HEALTHY, "nothing needs attention", generation);
    return this;
  }

  /** Whether a Degraded=True with this reason was set for the current generation already. */
  public static boolean degradedFor(DualWriteCutoverStatus s, String reason, Long generation) {
    return s != null
        && Conditions.find(s.getConditions(), ConditionTypes.DEGRADED)
            .filter(c -> "True".equals(c.getStatus()))
            .filter(c -> reason.equals(c.getReason()))
            .filter(c -> generation != null && generation.equals(c.getObservedGeneration()))
            .isPresent();
  }

  public DualWriteCutoverStatus build() {
    var desired = new ArrayList<Condition>();
    if (ready == null) {
      moving(Reasons.PENDING, "starting");
    }
    desired.add(ready);
    desired.add(progressing);
    for (Condition c :
        List.of(
            orUnknown(replication, ConditionTypes.REPLICATION_HEALTHY),
            orUnknown(consistent, ConditionTypes.CONSISTENT))) {
      desired.add(c);
    }
    desired.add(degraded != null ? degraded : notDegradedCondition());
    status.setConditions(Conditions.merge(previous.getConditions(), desired, now));
    return status;
  }

  /** True when the new status differs from the previous in anything but the lag timestamp. */
  public static boolean worthWriting(DualWriteCutoverStatus previous, DualWriteCutoverStatus next) {
    return !next.sameAs(previous);
  }

  private Condition notDegradedCondition() {
    return Conditions.of(
        ConditionTypes.DEGRADED, false, Reasons.HEALTHY, "nothing needs attention", generation);
  }

  private Condition orUnknown(Condition c, String type) {
    if (c != null) {
      return c;
    }
    var u = Conditions.of(type, false, Reasons.PENDING, "not measured yet", generation);
    u.setStatus("Unknown");
    return u;
  }

  private Condition carried(String type) {
    return Conditions.find(previous.getConditions(), type)
        .map(c -> new io.fabric8.kubernetes.api.model.ConditionBuilder(c).build())
        .orElse(null);
  }

  private Condition condition(Gate g) {
    return Conditions.of(g.condition(), g.green(), g.reason(), g.message(), generation);
  }

  private static String stamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
