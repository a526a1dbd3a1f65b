package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.BackfillStatus;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationStatus;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.PlannedStatement;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.SnapshotStatus;
import dev.dovetail.api.v1alpha1.VerificationStatus;
import dev.dovetail.kube.Conditions;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.migration.MigrationStep.AfterBackfill;
import dev.dovetail.migration.MigrationStep.Cleanup;
import dev.dovetail.migration.MigrationStep.Contract;
import dev.dovetail.migration.MigrationStep.Done;
import dev.dovetail.migration.MigrationStep.Expand;
import dev.dovetail.migration.MigrationStep.Fail;
import dev.dovetail.migration.MigrationStep.Invalid;
import dev.dovetail.migration.MigrationStep.RollBack;
import dev.dovetail.migration.MigrationStep.StartJob;
import dev.dovetail.migration.MigrationStep.SyncPause;
import dev.dovetail.migration.MigrationStep.Uncontract;
import dev.dovetail.migration.MigrationStep.Unreachable;
import dev.dovetail.migration.MigrationStep.Wait;
import dev.dovetail.postgres.OperationRecord;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that writes a DatabaseMigration's status: observedGeneration, phase, the five
 * conditions (keeping lastTransitionTime when nothing changed), progress and the plan. Built fresh
 * each pass from the observation and the step that was recorded.
 */
final class MigrationStatusBuilder {
  private MigrationStatusBuilder() {}

  static DatabaseMigrationStatus build(
      DatabaseMigration m, MigrationObservation o, MigrationStep step) {
    var previous = m.getStatus() == null ? new DatabaseMigrationStatus() : m.getStatus();
    Long generation = m.getMetadata().getGeneration();
    var status = new DatabaseMigrationStatus();
    status.setObservedGeneration(generation);
    status.setPhase(step.phase());

    var desired = new ArrayList<Condition>();
    Summary s = withLongTransactions(summarize(step), o);
    desired.add(Conditions.of(ConditionTypes.READY, s.ready, s.readyReason, s.message, generation));
    desired.add(
        Conditions.of(
            ConditionTypes.PROGRESSING, s.progressing, s.progressReason, s.message, generation));
    replication(o, generation)
        .or(() -> carried(previous, ConditionTypes.REPLICATION_HEALTHY))
        .ifPresent(desired::add);
    backfill(o, generation)
        .or(() -> carried(previous, ConditionTypes.BACKFILL_COMPLETE))
        .ifPresent(desired::add);
    verified(o, generation)
        .or(() -> carried(previous, ConditionTypes.VERIFIED))
        .ifPresent(desired::add);
    status.setConditions(Conditions.merge(previous.getConditions(), desired, o.now()));

    long[] totals = o.backfillTotals();
    status.setProgress(progress(step, totals, previous));
    status.setReplicationLag(
        o.lag() == null
            ? previous.getReplicationLag()
            : o.lag().noReplicas() ? "no replicas" : Durations.format(o.lag().worst()));
    status.setPlan(plan(o, previous));
    status.setBackfill(backfillStatus(o, totals, previous));
    status.setVerification(verificationStatus(o, previous));
    status.setSnapshot(snapshotStatus(o, previous));
    status.setExpandedAt(
        step instanceof Done d && Reasons.EXPANDED.equals(d.reason())
                || previous.getExpandedAt() != null
            ? Optional.ofNullable(previous.getExpandedAt())
                .orElse(o.verificationTotal().map(v -> v.finishedAt().toString()).orElse(null))
            : null);
    status.setContractedAt(
        o.recorded().values().stream()
            .map(OperationRecord::contractedAt)
            .filter(Objects::nonNull)
            .max(java.util.Comparator.naturalOrder())
            .map(Object::toString)
            .orElse(previous.getContractedAt()));
    status.setLongTransactions(
        new ArrayList<>(o.longTransactions().stream().map(b -> b.describe()).toList()));
    status.setSpaceNeeded(spaceNeeded(o, previous));
    return status;
  }

  /**
   * The long-transaction pre-check is a report, not a gate: whatever the step says stays, and the
   * transactions are added to its message with their age.
   */
  private static Summary withLongTransactions(Summary s, MigrationObservation o) {
    if (o.longTransactions().isEmpty()) {
      return s;
    }
    return new Summary(
        s.ready,
        s.readyReason,
        s.progressing,
        s.progressReason,
        s.message + "; " + longTransactionsMessage(o));
  }

  static String longTransactionsMessage(MigrationObservation o) {
    return o.longTransactions().size()
        + " long-running transaction(s) hold locks on the tables to change (reported, not"
        + " blocking): "
        + String.join(
            "; ", o.longTransactions().stream().map(b -> b.describeAge(o.now())).toList());
  }

  private record Summary(
      boolean ready,
      String readyReason,
      boolean progressing,
      String progressReason,
      String message) {}

  private static Summary summarize(MigrationStep step) {
    if (step instanceof Invalid i) {
      return new Summary(
          false,
          Reasons.INVALID_SPEC,
          false,
          Reasons.INVALID_SPEC,
          String.join("; ", i.problems()));
    }
    if (step instanceof Unreachable u) {
      return new Summary(
          false, Reasons.DATABASE_UNREACHABLE, false, Reasons.DATABASE_UNREACHABLE, u.message());
    }
    if (step instanceof Expand e) {
      return active(
          Reasons.EXPANDING,
          "applying additive DDL for "
              + e.change().change().describe()
              + stepOf(e.step(), e.change().change().expand().size()));
    }
    if (step instanceof MigrationStep.Claim c) {
      return active(
          Reasons.EXPANDING,
          "claiming "
              + String.join(", ", c.tables())
              + " so that no other DatabaseMigration changes them until this one is done");
    }
    if (step instanceof StartJob j) {
      return active(
          j.job().role().equals(MigrationJobs.BACKFILL)
              ? Reasons.BACKFILL_RUNNING
              : Reasons.VERIFYING,
          "started Job " + j.job().name());
    }
    if (step instanceof MigrationStep.StartSnapshot snap) {
      return active(
          Reasons.SNAPSHOT_PENDING,
          "started "
              + snap.snapshot().kind()
              + " "
              + snap.snapshot().name()
              + "; no DDL runs before the snapshot is ready");
    }
    if (step instanceof AfterBackfill a) {
      return active(
          Reasons.VERIFYING,
          "validating constraints after the backfill: " + a.change().change().describe());
    }
    if (step instanceof Contract c) {
      return active(
          Reasons.CONTRACTING, "removing the old side of " + c.change().change().describe());
    }
    if (step instanceof Cleanup c) {
      return active(
          Reasons.CONTRACTING,
          "dropping what contract hid, spec.cleanupAfter has passed: "
              + c.change().change().describe());
    }
    if (step instanceof Uncontract u) {
      return active(
          Reasons.UNCONTRACTING,
          "restoring the old side of " + u.change().describe() + ": " + u.why());
    }
    if (step instanceof RollBack r) {
      return active(
          Reasons.ROLLING_BACK,
          "undoing expand"
              + r.change().map(c -> " of " + c.describe()).orElse("")
              + ": "
              + r.why());
    }
    if (step instanceof SyncPause p) {
      return new Summary(
          false,
          Reasons.PAUSED,
          !p.paused(),
          Reasons.PAUSED,
          p.paused() ? "pausing: spec.paused is true" : "resuming: spec.paused is false");
    }
    if (step instanceof Wait w) {
      return new Summary(false, w.reason(), !w.blocked(), w.reason(), w.message());
    }
    if (step instanceof Done d) {
      return new Summary(d.ready(), d.reason(), false, d.reason(), d.message());
    }
    var f = (Fail) step;
    return new Summary(false, f.reason(), false, f.reason(), f.message());
  }

  private static String stepOf(int step, int steps) {
    return steps > 1 ? " (step %d of %d)".formatted(step + 1, steps) : "";
  }

  private static Summary active(String reason, String message) {
    return new Summary(false, reason, true, reason, message);
  }

  private static Optional<Condition> replication(MigrationObservation o, Long generation) {
    if (o.lag() == null) {
      return Optional.empty();
    }
    if (o.lag().noReplicas()) {
      return Optional.of(
          Conditions.of(
              ConditionTypes.REPLICATION_HEALTHY,
              true,
              Reasons.NO_REPLICAS,
              "no streaming replica is attached to the primary",
              generation));
    }
    boolean ok = o.lag().worst().compareTo(o.maxLag()) <= 0;
    return Optional.of(
        Conditions.of(
            ConditionTypes.REPLICATION_HEALTHY,
            ok,
            ok ? Reasons.REPLICATION_WITHIN_LIMIT : Reasons.REPLICATION_LAGGING,
            "worst lag %s (gate %s): %s"
                .formatted(
                    Durations.format(o.lag().worst()),
                    Durations.format(o.maxLag()),
                    o.lag().describe()),
            generation));
  }

  private static Optional<Condition> backfill(MigrationObservation o, Long generation) {
    if (o.backfillJob() == null) {
      return Optional.empty();
    }
    long[] t = o.backfillTotals();
    boolean finished = !o.progress().isEmpty() && o.progress().stream().allMatch(p -> p.finished());
    return switch (o.backfillJob().outcome()) {
      case SUCCEEDED ->
          Optional.of(
              Conditions.of(
                  ConditionTypes.BACKFILL_COMPLETE,
                  true,
                  Reasons.BACKFILL_SUCCEEDED,
                  "%d rows examined, %d updated".formatted(t[0], updated(o)),
                  generation));
      case FAILED ->
          Optional.of(
              Conditions.of(
                  ConditionTypes.BACKFILL_COMPLETE,
                  false,
                  Reasons.BACKFILL_FAILED,
                  o.backfillJob().failure(),
                  generation));
      case RUNNING ->
          Optional.of(
              Conditions.of(
                  ConditionTypes.BACKFILL_COMPLETE,
                  false,
                  Reasons.BACKFILL_RUNNING,
                  "%d of ~%d rows".formatted(t[0], t[1]),
                  generation));
      case ABSENT ->
          finished
              ? Optional.of(
                  Conditions.of(
                      ConditionTypes.BACKFILL_COMPLETE,
                      true,
                      Reasons.BACKFILL_SUCCEEDED,
                      "%d rows examined, %d updated".formatted(t[0], updated(o)),
                      generation))
              : Optional.empty();
    };
  }

  private static long updated(MigrationObservation o) {
    return o.progress().stream().mapToLong(p -> p.rowsUpdated()).sum();
  }

  private static Optional<Condition> verified(MigrationObservation o, Long generation) {
    if (o.verifyJob() != null && o.verifyJob().outcome() == JobOutcome.FAILED) {
      return Optional.of(
          Conditions.of(
              ConditionTypes.VERIFIED,
              false,
              Reasons.VERIFICATION_FAILED,
              o.verifyJob().failure(),
              generation));
    }
    return o.verificationTotal()
        .map(
            v ->
                Conditions.of(
                    ConditionTypes.VERIFIED,
                    v.clean(),
                    v.clean() ? Reasons.VERIFICATION_PASSED : Reasons.VERIFICATION_MISMATCH,
                    "%d rows checked, %d missing, %d differing%s"
                        .formatted(
                            v.rowsChecked(),
                            v.rowsMissing(),
                            v.rowsDiffering(),
                            v.clean() ? "" : "; sample keys " + v.sampleKeys()),
                    generation));
  }

  private static Optional<Condition> carried(DatabaseMigrationStatus previous, String type) {
    return Conditions.find(previous.getConditions(), type);
  }

  private static String progress(
      MigrationStep step, long[] totals, DatabaseMigrationStatus previous) {
    if (totals[1] == 0) {
      return step instanceof Done ? previous.getProgress() : null;
    }
    long percent = Math.min(100, totals[0] * 100 / Math.max(1, totals[1]));
    return "%d%% (%d/%d)".formatted(percent, totals[0], totals[1]);
  }

  /** Estimated while expand is ahead; afterwards the last estimate stays, as the plan does. */
  private static List<String> spaceNeeded(
      MigrationObservation o, DatabaseMigrationStatus previous) {
    if (o.spaceNeeded().isEmpty()) {
      return previous.getSpaceNeeded();
    }
    var lines = new ArrayList<String>();
    o.spaceNeeded().forEach((label, estimate) -> lines.add(label + ": " + estimate.describe()));
    return lines;
  }

  private static List<PlannedStatement> plan(
      MigrationObservation o, DatabaseMigrationStatus previous) {
    if (o.desired().isEmpty()) {
      return previous.getPlan();
    }
    var plan = new ArrayList<PlannedStatement>();
    for (var d : o.desired()) {
      if (d.change() != null) {
        plan.addAll(d.change().plan(d.label()));
      }
    }
    return plan.isEmpty() ? previous.getPlan() : plan;
  }

  private static BackfillStatus backfillStatus(
      MigrationObservation o, long[] totals, DatabaseMigrationStatus previous) {
    if (o.progress().isEmpty()) {
      return previous.getBackfill();
    }
    long rate = o.progress().stream().mapToLong(p -> p.rowsPerSecond()).sum();
    String throttled =
        o.progress().stream()
            .map(p -> p.throttled())
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    int batch = o.progress().stream().mapToInt(p -> p.batchSize()).max().orElse(0);
    boolean running = o.progress().stream().anyMatch(p -> !p.finished());
    return new BackfillStatus(
        o.backfillJob() == null ? null : o.backfillJob().name(),
        totals[0],
        totals[1],
        updated(o),
        rate,
        batch,
        throttled,
        running ? BackfillStatus.eta(totals[0], totals[1], rate) : null);
  }

  /** This pass's view while expand waits for it; afterwards the last one seen stays. */
  private static SnapshotStatus snapshotStatus(
      MigrationObservation o, DatabaseMigrationStatus previous) {
    if (o.snapshot() == null || o.snapshot().status() == null) {
      return previous.getSnapshot();
    }
    return o.snapshot().status();
  }

  private static VerificationStatus verificationStatus(
      MigrationObservation o, DatabaseMigrationStatus previous) {
    return o.verificationTotal()
        .map(
            v ->
                new VerificationStatus(
                    v.job(),
                    v.rowsChecked(),
                    v.rowsMissing(),
                    v.rowsDiffering(),
                    v.sampleKeys(),
                    v.finishedAt().toString()))
        .orElse(previous.getVerification());
  }
}
