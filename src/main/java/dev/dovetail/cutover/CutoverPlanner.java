package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CutoverPhase;
import dev.dovetail.api.v1alpha1.CutoverSync;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.cutover.CutoverPlan.Action;
import dev.dovetail.cutover.CutoverPlan.State;
import dev.dovetail.kube.Conditions;
import dev.dovetail.kube.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decides a cutover's pass from its spec, its previous status and what was observed. Pure: the
 * order below is the flow of the resource (refuse, complete, copy, catch up, then follow the
 * requested read percent and write target through the gates).
 */
public final class CutoverPlanner {
  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_INVALID = "Invalid";
  public static final String PHASE_COPYING = "Copying";
  public static final String PHASE_FAILED = "Failed";
  public static final String PHASE_CATCHING_UP = "CatchingUp";
  public static final String PHASE_REPLICATING = "Replicating";
  public static final String PHASE_VERIFYING = "Verifying";
  public static final String PHASE_CUTTING_OVER = "CuttingOver";
  public static final String PHASE_WRITES_ON_TARGET = "WritesOnTarget";
  public static final String PHASE_COMPLETED = "Completed";

  /** Gate reasons that only mean "not measured yet": waiting on them is progress, not a block. */
  private static final Set<String> FIRST_MEASUREMENT =
      Set.of(Reasons.LAG_NOT_MEASURED, Reasons.NOT_YET_VERIFIED);

  private CutoverPlanner() {}

  public static CutoverPlan plan(
      DualWriteCutoverSpec spec,
      DualWriteCutoverStatus previous,
      Long generation,
      CutoverObservation seen) {
    var prev = previous == null ? new DualWriteCutoverStatus() : previous;
    int reads = seen.publishedReads();
    WriteTarget writes = seen.publishedWrites();
    int lastGood =
        prev.getLastGoodReadFromTargetPercent() == null
            ? 0
            : prev.getLastGoodReadFromTargetPercent();
    if (!seen.problems().isEmpty()) {
      return stay(
          PHASE_INVALID,
          State.blocked(Reasons.INVALID_SPEC, String.join("; ", seen.problems())),
          reads,
          lastGood,
          writes);
    }
    if (seen.unreachable() != null) {
      return stay(
          orPending(prev.getPhase()),
          State.blocked(seen.unreachable().reason(), seen.unreachable().message()),
          reads,
          lastGood,
          writes);
    }
    if (spec.getPhase() == CutoverPhase.Complete) {
      return ungated(
          PHASE_COMPLETED,
          State.ready(
              Reasons.COMPLETED,
              "replication, slots, publications and the heartbeat are removed, every row is kept;"
                  + " the flag stays at "
                  + reads
                  + "% reads and writes on the "
                  + writes.name().toLowerCase(Locale.ROOT)),
          EnumSet.of(Action.CLEANUP),
          reads,
          lastGood,
          writes);
    }
    boolean logical = spec.getSync().getMode() == CutoverSync.Mode.LogicalReplication;
    if (logical && !seen.subscribed()) {
      CutoverPlan copying = copying(seen, reads, lastGood, writes);
      if (copying != null) {
        return copying;
      }
    }
    return following(spec, prev, generation, seen, logical, lastGood);
  }

  /** Before replication runs: start, watch or report the copy; subscribe once it succeeded. */
  private static CutoverPlan copying(
      CutoverObservation seen, int reads, int lastGood, WriteTarget writes) {
    var job = seen.copyJob();
    if (job == null) {
      return ungated(
          PHASE_COPYING,
          State.moving(
              Reasons.COPYING,
              "creating the target tables and starting the copy Job of "
                  + seen.tables().size()
                  + " table(s)"),
          EnumSet.of(Action.SETUP, Action.START_COPY),
          reads,
          lastGood,
          writes);
    }
    if (job.outcome() == JobOutcome.FAILED) {
      String message = "copy Job " + job.name() + " failed: " + job.failure();
      return stay(
              PHASE_FAILED, State.blocked(Reasons.COPY_FAILED, message), reads, lastGood, writes)
          .degradedBy(Reasons.COPY_FAILED, message);
    }
    if (job.outcome() != JobOutcome.SUCCEEDED) {
      var copy = seen.copy();
      return stay(
          PHASE_COPYING,
          State.moving(
              Reasons.COPYING,
              String.format(
                  Locale.ROOT,
                  "copy Job %s: %d of %d key ranges, %d rows copied",
                  job.name(),
                  copy.rangesDone(),
                  copy.rangesTotal(),
                  copy.rowsCopied())),
          reads,
          lastGood,
          writes);
    }
    return ungated(
        PHASE_CATCHING_UP,
        State.moving(
            Reasons.CATCHING_UP,
            "copy Job "
                + job.name()
                + " succeeded ("
                + seen.copy().rowsCopied()
                + " rows); subscribing to the changes made since its snapshot"),
        EnumSet.of(Action.SUBSCRIBE),
        reads,
        lastGood,
        writes);
  }

  /** Replication (or the application) keeps both sides equal: gate and follow the spec. */
  private static CutoverPlan following(
      DualWriteCutoverSpec spec,
      DualWriteCutoverStatus prev,
      Long generation,
      CutoverObservation seen,
      boolean logical,
      int lastGood) {
    var gates = spec.getGates();
    Duration minSoak = Durations.parse(gates.getMinSoak());
    Gate replication =
        GateChecks.replication(
            spec.getSync().getMode(), seen.lag(), Durations.parse(gates.getMaxReplicationLag()));
    Set<Action> actions = EnumSet.noneOf(Action.class);
    if (!logical && prev.getPhase() == null) {
      actions.add(Action.SETUP);
    }
    Gate consistency = GateChecks.consistency(seen.verification(), seen.reportConfigMap());
    var compare = seen.compareJob();
    if (compare != null && compare.outcome() == JobOutcome.FAILED) {
      actions.add(Action.RETRY_COMPARE);
      if (seen.verification().isEmpty()) {
        consistency =
            Gate.red(
                consistency.condition(),
                Reasons.COMPARE_FAILED,
                "compare Job " + compare.name() + " failed: " + compare.failure());
      }
    } else if (compare == null
        && !spec.isPaused()
        && CutoverDecisions.verificationDue(
            seen.verification().map(VerificationView::finishedAt).orElse(null),
            Durations.parse(spec.getVerification().getInterval()),
            seen.now())) {
      actions.add(Action.START_COMPARE);
    }
    Instant lastStepAt = prev.getLastStepAt() == null ? null : Instant.parse(prev.getLastStepAt());
    boolean rolledBack =
        CutoverStatusBuilder.degradedFor(prev, Reasons.READ_STEP_ROLLED_BACK, generation);
    ReadStep read =
        CutoverDecisions.readStep(
            spec.getReadFromTargetPercent(),
            seen.publishedReads(),
            lastGood,
            lastStepAt,
            minSoak,
            gates.isRollbackOnFailure(),
            rolledBack,
            replication,
            consistency,
            seen.now());
    if (spec.isPaused() && read.percent() > seen.publishedReads()) {
      read =
          new ReadStep.Hold(
              seen.publishedReads(),
              spec.getReadFromTargetPercent(),
              Reasons.PAUSED,
              "spec.paused is true: the raise to " + spec.getReadFromTargetPercent() + "% waits");
    }
    int reads = read.percent();
    int good = CutoverDecisions.lastGood(reads, seen.publishedReads(), lastGood);
    WriteStep write =
        CutoverDecisions.writeStep(
            spec.getWriteTarget(), seen.publishedWrites(), reads, replication, consistency);
    if (spec.isPaused() && write instanceof WriteStep.Switch) {
      write =
          new WriteStep.Hold(
              seen.publishedWrites(),
              Reasons.PAUSED,
              "spec.paused is true: the write switch to the "
                  + spec.getWriteTarget().name().toLowerCase(Locale.ROOT)
                  + " waits");
    }
    WriteTarget switchTo = write instanceof WriteStep.Switch s ? s.to() : null;
    if (switchTo != null) {
      actions.add(Action.SWITCH_WRITES);
    }
    if (switchTo == WriteTarget.Target) {
      // Outside the write pause: validating scans the referencing tables but blocks no writer.
      actions.add(Action.VALIDATE_FOREIGN_KEYS);
    }
    if (reads != seen.publishedReads() || prev.getFlagConfigMap() == null) {
      actions.add(Action.PUBLISH_FLAG);
    }
    String degraded = null;
    String degradedMessage = null;
    State state;
    if (read instanceof ReadStep.FallBack f) {
      degraded = Reasons.READ_STEP_ROLLED_BACK;
      degradedMessage = f.why();
      state = State.blocked(Reasons.READ_STEP_ROLLED_BACK, f.why());
    } else if (read instanceof ReadStep.Hold h
        && Reasons.READ_STEP_ROLLED_BACK.equals(h.reason())) {
      // The fallback's Degraded stays until the user changes the spec (a new generation).
      degraded = Reasons.READ_STEP_ROLLED_BACK;
      degradedMessage =
          Conditions.find(prev.getConditions(), ConditionTypes.DEGRADED)
              .map(c -> c.getMessage())
              .orElse(h.message());
      state = State.blocked(h.reason(), h.message());
    } else if (read instanceof ReadStep.Hold h) {
      state = State.blocked(h.reason(), h.message());
    } else if (read instanceof ReadStep.Apply a) {
      state =
          State.moving(
              a.reason(),
              "reads on the target "
                  + a.from()
                  + "% -> "
                  + a.percent()
                  + "% ("
                  + gatesSay(replication, consistency)
                  + ")");
    } else if (write instanceof WriteStep.Hold h) {
      state = State.blocked(h.reason(), h.message());
    } else if (switchTo != null) {
      state =
          State.moving(
              Reasons.WRITES_SWITCHED,
              "switching writes to the " + switchTo.name().toLowerCase(Locale.ROOT));
    } else {
      var red = GateChecks.firstRed(replication, consistency);
      if (spec.isPaused()) {
        state =
            State.blocked(
                Reasons.PAUSED,
                "spec.paused is true: no step, write switch or verification round starts");
      } else if (red.isPresent() && FIRST_MEASUREMENT.contains(red.get().reason())) {
        // Not a failure: the first heartbeat or the first round is still on its way.
        state =
            State.moving(Reasons.CATCHING_UP, red.get().condition() + ": " + red.get().message());
      } else if (red.isPresent()) {
        state =
            State.blocked(red.get().reason(), red.get().condition() + ": " + red.get().message());
      } else {
        state =
            State.ready(
                Reasons.STEP_REACHED,
                reads
                    + "% of reads and the writes on the "
                    + seen.publishedWrites().name().toLowerCase(Locale.ROOT)
                    + "; "
                    + gatesSay(replication, consistency));
      }
    }
    if (degraded == null && consistency.reason().equals(Reasons.VERIFICATION_MISMATCH)) {
      degraded = Reasons.VERIFICATION_MISMATCH;
      degradedMessage = consistency.message();
    }
    return new CutoverPlan(
        phaseOf(reads, switchTo != null ? switchTo : seen.publishedWrites(), seen),
        state,
        actions,
        replication,
        consistency,
        reads,
        good,
        seen.publishedWrites(),
        switchTo,
        degraded,
        degradedMessage);
  }

  private static String phaseOf(int reads, WriteTarget writes, CutoverObservation seen) {
    if (writes == WriteTarget.Target) {
      return PHASE_WRITES_ON_TARGET;
    }
    if (reads > 0) {
      return PHASE_CUTTING_OVER;
    }
    return seen.verification().isEmpty() ? PHASE_VERIFYING : PHASE_REPLICATING;
  }

  private static String gatesSay(Gate replication, Gate consistency) {
    return replication.message() + "; " + consistency.message();
  }

  private static String orPending(String phase) {
    return phase == null ? PHASE_PENDING : phase;
  }

  private static CutoverPlan stay(
      String phase, State state, int reads, int lastGood, WriteTarget writes) {
    return ungated(phase, state, EnumSet.noneOf(Action.class), reads, lastGood, writes);
  }

  /** A pass without gates to report and no write switch: refusals, the copy, Complete. */
  private static CutoverPlan ungated(
      String phase, State state, Set<Action> actions, int reads, int lastGood, WriteTarget writes) {
    return new CutoverPlan(
        phase, state, actions, null, null, reads, lastGood, writes, null, null, null);
  }
}
