package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.migration.MigrationStep.AfterBackfill;
import dev.dovetail.migration.MigrationStep.Contract;
import dev.dovetail.migration.MigrationStep.Done;
import dev.dovetail.migration.MigrationStep.Expand;
import dev.dovetail.migration.MigrationStep.Fail;
import dev.dovetail.migration.MigrationStep.Invalid;
import dev.dovetail.migration.MigrationStep.RollBack;
import dev.dovetail.migration.MigrationStep.StartJob;
import dev.dovetail.migration.MigrationStep.SyncPause;
import dev.dovetail.migration.MigrationStep.Wait;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.change.DesiredChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides the next step from the spec and the observation. Pure: no I/O, no clock (the observation
 * carries {@code now}). Order matters and reads as the migration's life: rollback of what is no
 * longer wanted (never gated), then the forward path expand → backfill → validate → verify →
 * Expanded, then the contract gates and contract.
 */
public final class MigrationPlanner {
  static final Duration JOB_RECHECK = Duration.ofSeconds(2);
  static final Duration GATE_RECHECK = Duration.ofSeconds(5);

  private MigrationPlanner() {}

  public static MigrationStep next(DatabaseMigrationSpec spec, MigrationObservation o) {
    if (!o.problems().isEmpty()) {
      return new Invalid(o.problems());
    }
    if (o.unreachable() != null) {
      return new Wait("Blocked", Reasons.DATABASE_UNREACHABLE, o.unreachable(), true, GATE_RECHECK);
    }
    Optional<MigrationStep> rollback = rollback(spec, o);
    if (rollback.isPresent()) {
      return rollback.get();
    }
    if (spec.getPhase() == MigrationPhase.Abandon) {
      return abandoned(o);
    }
    return forward(spec, o);
  }

  private static Optional<MigrationStep> rollback(
      DatabaseMigrationSpec spec, MigrationObservation o) {
    var desiredIds = o.desired().stream().map(DesiredChange::id).toList();
    boolean abandon = spec.getPhase() == MigrationPhase.Abandon;
    // Undo in reverse order of expansion: later operations may build on earlier ones.
    return o.recorded().values().stream()
        .filter(r -> !"contracted".equals(r.state()))
        .filter(r -> abandon || !desiredIds.contains(r.operationId()))
        .max(
            Comparator.comparing(
                OperationRecord::expandedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(
            r ->
                new RollBack(
                    r.operationId(),
                    o.rollbackable().getOrDefault(r.operationId(), Optional.empty()),
                    abandon
                        ? "spec.phase is Abandon"
                        : "operation " + r.operationId() + " was removed from spec.operations"));
  }

  private static MigrationStep abandoned(MigrationObservation o) {
    long contracted =
        o.recorded().values().stream().filter(r -> "contracted".equals(r.state())).count();
    return contracted == 0
        ? new Done(
            "Abandoned",
            Reasons.ABANDONED,
            "everything this migration created is removed; the schema is as it was before expand",
            true)
        : new Done(
            "Abandoned",
            Reasons.CONTRACT_IRREVERSIBLE,
            contracted
                + " operation(s) were already contracted and stay as they are; everything else is"
                + " removed",
            true);
  }

  private static MigrationStep forward(DatabaseMigrationSpec spec, MigrationObservation o) {
    var desired = o.desired();
    boolean anyContracted = desired.stream().anyMatch(d -> "contracted".equals(o.state(d.id())));
    boolean allContracted = desired.stream().allMatch(d -> "contracted".equals(o.state(d.id())));
    if (allContracted) {
      return spec.getPhase() == MigrationPhase.Contract
          ? new Done("Contracted", Reasons.CONTRACTED, contractedMessage(o), true)
          : irreversible();
    }
    if (spec.getPhase() == MigrationPhase.Expand && anyContracted) {
      return irreversible();
    }
    if (o.bookkeepingInstalled() && spec.isPaused() != o.pausedInDatabase()) {
      return new SyncPause(spec.isPaused());
    }
    if (spec.isPaused()) {
      return new Wait(
          "Paused",
          Reasons.PAUSED,
          "spec.paused is true: no DDL runs and the backfill waits between batches",
          true,
          GATE_RECHECK);
    }
    Optional<DesiredChange> notExpanded =
        desired.stream().filter(d -> o.state(d.id()) == null).findFirst();
    if (notExpanded.isPresent() && spec.getPhase() == MigrationPhase.Contract) {
      return new Wait(
          "Blocked",
          Reasons.EXPAND_NOT_VERIFIED,
          "spec.phase is Contract but spec.operations["
              + notExpanded.get().index()
              + "] was never expanded; apply it with phase Expand first, let it verify, then"
              + " contract",
          true,
          GATE_RECHECK);
    }
    Optional<Wait> lagGate = lagGate(o);
    if (notExpanded.isPresent()) {
      return lagGate.isPresent() ? lagGate.get() : new Expand(notExpanded.get());
    }
    // A finished Job may be gone (ttlSecondsAfterFinished); the checkpoints in the database still
    // say the work is done, so the status never flaps back to Backfilling.
    MigrationStep backfill =
        backfillRecorded(o)
            ? null
            : job(o.backfillJob(), Reasons.BACKFILL_RUNNING, Reasons.BACKFILL_FAILED, o);
    if (backfill != null) {
      return backfill instanceof StartJob && lagGate.isPresent() ? lagGate.get() : backfill;
    }
    List<DesiredChange> toValidate = new ArrayList<>();
    for (var d : desired) {
      if ("expanded".equals(o.state(d.id()))) {
        toValidate.add(d);
      }
    }
    if (!toValidate.isEmpty()) {
      return new AfterBackfill(toValidate);
    }
    MigrationStep verify =
        o.verifyJob().outcome() == JobOutcome.ABSENT && o.verificationTotal().isPresent()
            ? null
            : job(o.verifyJob(), Reasons.VERIFYING, Reasons.VERIFICATION_FAILED, o);
    if (verify != null) {
      return verify;
    }
    var result = o.verificationTotal();
    if (result.isEmpty()) {
      return new Fail(
          Reasons.VERIFICATION_FAILED,
          "verification Job " + o.verifyJob().name() + " finished without recording a result");
    }
    var v = result.get();
    if (!v.clean()) {
      return new Fail(
          Reasons.VERIFICATION_MISMATCH,
          "%d of %d rows differ between old and new columns (%d still missing); sample keys %s"
              .formatted(
                  v.rowsMissing() + v.rowsDiffering(),
                  v.rowsChecked(),
                  v.rowsMissing(),
                  v.sampleKeys()));
    }
    if (spec.getPhase() == MigrationPhase.Expand) {
      return new Done(
          "Expanded",
          Reasons.EXPANDED,
          "expand verified: %d rows checked, 0 missing, 0 differing; old and new application versions can both run"
              .formatted(v.rowsChecked()),
          true);
    }
    Instant soakedAt = v.finishedAt().plus(o.minExpandDuration());
    if (o.now().isBefore(soakedAt)) {
      return new Wait(
          "Expanded",
          Reasons.SOAKING,
          "contract waits for gates.minExpandDuration %s: %s left"
              .formatted(
                  Durations.format(o.minExpandDuration()),
                  Durations.format(Duration.between(o.now(), soakedAt))),
          true,
          min(Duration.between(o.now(), soakedAt), GATE_RECHECK));
    }
    if (lagGate.isPresent()) {
      return lagGate.get();
    }
    return desired.stream()
        .filter(d -> !"contracted".equals(o.state(d.id())))
        .findFirst()
        .<MigrationStep>map(Contract::new)
        .orElseGet(() -> new Done("Contracted", Reasons.CONTRACTED, contractedMessage(o), true));
  }

  /** Null when the Job succeeded; otherwise the step that starts it, waits for it or reports it. */
  private static MigrationStep job(
      JobView job, String running, String failed, MigrationObservation o) {
    return switch (job.outcome()) {
      case SUCCEEDED -> null;
      case ABSENT -> new StartJob(job);
      case RUNNING ->
          new Wait(
              job.role().equals(MigrationJobs.BACKFILL) ? "Backfilling" : "Verifying",
              running,
              job.role().equals(MigrationJobs.BACKFILL)
                  ? backfillMessage(job, o)
                  : "verification Job " + job.name() + " is comparing old and new columns",
              false,
              JOB_RECHECK);
      case FAILED -> new Fail(failed, "Job " + job.name() + " failed: " + job.failure());
    };
  }

  private static boolean backfillRecorded(MigrationObservation o) {
    if (o.backfillJob().outcome() != JobOutcome.ABSENT) {
      return false;
    }
    var finished =
        o.progress().stream().filter(p -> p.finished()).map(p -> p.operationId()).toList();
    return o.desired().stream()
        .filter(d -> d.change() != null && d.change().backfill().isPresent())
        .allMatch(d -> finished.contains(d.id()));
  }

  private static String backfillMessage(JobView job, MigrationObservation o) {
    long[] t = o.backfillTotals();
    String throttled =
        o.progress().stream()
            .map(p -> p.throttled())
            .filter(s -> s != null && !s.isBlank())
            .findFirst()
            .map(s -> "; throttled: " + s)
            .orElse("");
    return "backfill Job %s: %d of ~%d rows%s".formatted(job.name(), t[0], t[1], throttled);
  }

  private static Optional<Wait> lagGate(MigrationObservation o) {
    if (o.lag() == null || o.lag().noReplicas() || o.lag().worst().compareTo(o.maxLag()) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Wait(
            "Blocked",
            Reasons.REPLICATION_LAGGING,
            "replication lag %s exceeds gates.maxReplicationLag %s (%s)"
                .formatted(
                    Durations.format(o.lag().worst()),
                    Durations.format(o.maxLag()),
                    o.lag().describe()),
            true,
            GATE_RECHECK));
  }

  private static Done irreversible() {
    return new Done(
        "Contracted",
        Reasons.CONTRACT_IRREVERSIBLE,
        "contract already dropped the old schema; moving spec.phase back to Expand cannot restore"
            + " it",
        false);
  }

  private static String contractedMessage(MigrationObservation o) {
    return "contract done: the old schema of %d operation(s) is dropped with its sync triggers"
        .formatted(o.desired().size());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
