package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.BackfillStatus;
import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
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
import dev.dovetail.migration.MigrationStep.StartSnapshot;
import dev.dovetail.migration.MigrationStep.SyncPause;
import dev.dovetail.migration.MigrationStep.Uncontract;
import dev.dovetail.migration.MigrationStep.Wait;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.change.ChangeResolver;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.SchemaChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
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

  /** A step that failed on the data (violations, duplicates) is tried again after this long. */
  static final Duration FAILED_RETRY = Duration.ofMinutes(1);

  private MigrationPlanner() {}

  public static MigrationStep next(DatabaseMigrationSpec spec, MigrationObservation o) {
    if (!o.problems().isEmpty()) {
      return new Invalid(o.problems());
    }
    if (o.unreachable() != null) {
      return new Wait(
          "Blocked", o.unreachable().reason(), o.unreachable().message(), true, GATE_RECHECK);
    }
    boolean timedOut = expandTimedOut(spec, o);
    Optional<MigrationStep> rollback = rollback(spec, o, timedOut);
    if (rollback.isPresent()) {
      return rollback.get();
    }
    if (spec.getPhase() == MigrationPhase.Abandon) {
      return abandoned(o);
    }
    if (timedOut) {
      return new Done(
          "TimedOut",
          Reasons.EXPAND_TIMED_OUT,
          "expand did not finish within spec.timeout %s: every operation is rolled back and the"
                  .formatted(Durations.format(o.deadline().timeout()))
              + " schema is as it was; change the spec (e.g. a longer spec.timeout) to try again",
          false);
    }
    return forward(spec, o);
  }

  /**
   * spec.timeout passed while expanding: not once the expand is done (Ready=True), not while
   * paused, and it stays timed out for the rest of this spec generation.
   */
  private static boolean expandTimedOut(DatabaseMigrationSpec spec, MigrationObservation o) {
    if (spec.getPhase() != MigrationPhase.Expand || spec.isPaused()) {
      return false;
    }
    if (o.deadline().timedOutBefore()) {
      return true;
    }
    return o.deadline().passed(o.now()) && !(forward(spec, o) instanceof Done);
  }

  /**
   * Undo what is no longer desired, newest expansion first (later operations may build on earlier
   * ones): an operation removed from the spec, every operation under Abandon, and a rollback
   * already under way. A contract that hid the old side is undone first, then the expansion.
   * Finished (final) operations stay.
   */
  private static Optional<MigrationStep> rollback(
      DatabaseMigrationSpec spec, MigrationObservation o, boolean timedOut) {
    var desiredIds = o.desired().stream().map(DesiredChange::id).toList();
    boolean abandon = spec.getPhase() == MigrationPhase.Abandon || timedOut;
    return o.recorded().values().stream()
        .filter(r -> !ChangeResolver.isFinal(r))
        .filter(
            r ->
                abandon
                    || !desiredIds.contains(r.operationId())
                    || OperationStates.ROLLING_BACK.equals(r.state()))
        .max(
            Comparator.comparing(
                OperationRecord::expandedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(r -> undo(r, o, abandon, timedOut));
  }

  private static MigrationStep undo(
      OperationRecord r, MigrationObservation o, boolean abandon, boolean timedOut) {
    String why =
        timedOut
            ? "spec.timeout "
                + Durations.format(o.deadline().timeout())
                + " passed before expand finished"
            : abandon
                ? "spec.phase is Abandon"
                : "operation " + r.operationId() + " was removed from spec.operations";
    Optional<SchemaChange> change =
        o.rollbackable().getOrDefault(r.operationId(), Optional.empty());
    if (contractMayHaveRun(r.state()) && change.isPresent()) {
      return new Uncontract(
          r.operationId(),
          change.get(),
          why,
          OperationStates.UNCONTRACTING.equals(r.state()) ? r.step() : 0);
    }
    return new RollBack(
        r.operationId(),
        change,
        why,
        OperationStates.ROLLING_BACK.equals(r.state()) ? r.step() : 0);
  }

  /**
   * Whether the contract of an operation in this state may have changed the schema, so that undoing
   * it starts with uncontract: contracted, uncontracting, or contracting. Every contract is one
   * step, so contracting lasts only as the recorded intent of a step outside a transaction
   * (dropIndex's DROP INDEX CONCURRENTLY), which may have run before a crash; its uncontract is
   * idempotent.
   */
  private static boolean contractMayHaveRun(String state) {
    return OperationStates.CONTRACTED.equals(state)
        || OperationStates.UNCONTRACTING.equals(state)
        || OperationStates.CONTRACTING.equals(state);
  }

  private static MigrationStep abandoned(MigrationObservation o) {
    long contracted = o.recorded().values().stream().filter(ChangeResolver::isFinal).count();
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
    boolean anyFinal = desired.stream().anyMatch(d -> isFinal(o, d));
    boolean allFinal = desired.stream().allMatch(d -> isFinal(o, d));
    if (spec.getPhase() == MigrationPhase.Expand) {
      // Back from Contract: swap back what contract only hid, last operation first.
      for (int i = desired.size() - 1; i >= 0; i--) {
        var d = desired.get(i);
        String state = o.state(d.id());
        if (d.change() != null && !isFinal(o, d) && contractMayHaveRun(state)) {
          // A refused step (an index rebuild meeting duplicates) waits like any forward step.
          return failed(o, d)
              .orElse(
                  new Uncontract(
                      d.id(),
                      d.change(),
                      "spec.phase is Expand",
                      OperationStates.UNCONTRACTING.equals(state) ? o.step(d.id()) : 0));
        }
      }
      if (anyFinal) {
        return irreversible();
      }
    }
    if (allFinal) {
      return new Done("Contracted", Reasons.CONTRACTED, contractedMessage(o), true);
    }
    if (spec.isDryRun()) {
      return dryRun(o);
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
        desired.stream().filter(d -> in(o, d, null, OperationStates.EXPANDING)).findFirst();
    var queuedBehind = o.claims().heldByOthers();
    if (!queuedBehind.isEmpty()) {
      return new Wait(
          "Queued", Reasons.QUEUED, TableClaims.queuedMessage(queuedBehind), true, GATE_RECHECK);
    }
    if (o.claims().unclaimed() && spec.getPhase() == MigrationPhase.Expand) {
      return new MigrationStep.Claim(o.claims().wanted());
    }
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
      var d = notExpanded.get();
      if (lagGate.isPresent()) {
        return lagGate.get();
      }
      Optional<MigrationStep> snapshot = snapshotGate(o);
      return snapshot.isPresent()
          ? snapshot.get()
          : failed(o, d).orElse(new Expand(d, o.step(d.id())));
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
    Optional<DesiredChange> toValidate =
        desired.stream()
            .filter(d -> in(o, d, OperationStates.EXPANDED, OperationStates.VALIDATING))
            .findFirst();
    if (toValidate.isPresent()) {
      var d = toValidate.get();
      return failed(o, d).orElse(new AfterBackfill(d, o.step(d.id())));
    }
    Optional<Instant> verifiedAt;
    long rowsChecked = 0;
    if (o.verifies()) {
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
      verifiedAt = Optional.of(v.finishedAt());
      rowsChecked = v.rowsChecked();
    } else {
      verifiedAt =
          o.recorded().values().stream()
              .map(OperationRecord::expandedAt)
              .filter(java.util.Objects::nonNull)
              .max(Comparator.naturalOrder());
    }
    if (spec.getPhase() == MigrationPhase.Expand) {
      return new Done(
          "Expanded",
          Reasons.EXPANDED,
          (o.verifies()
                  ? "expand verified: %d rows checked, 0 missing, 0 differing; "
                      .formatted(rowsChecked)
                  : "expand complete (nothing to backfill); ")
              + "old and new application versions can both run",
          true);
    }
    Instant soakedAt = verifiedAt.orElse(o.now()).plus(o.minExpandDuration());
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
    Optional<DesiredChange> toContract =
        desired.stream()
            .filter(d -> in(o, d, OperationStates.VALIDATED, OperationStates.CONTRACTING))
            .findFirst();
    if (toContract.isPresent()) {
      var d = toContract.get();
      return failed(o, d).orElse(new Contract(d, o.step(d.id())));
    }
    return cleanup(o);
  }

  /**
   * spec.snapshot: no DDL of this generation before its snapshot is ready. Taken after the tables
   * are claimed, so no other migration changes them between the snapshot and the expand.
   */
  private static Optional<MigrationStep> snapshotGate(MigrationObservation o) {
    SnapshotView s = o.snapshot();
    if (s == null) {
      return Optional.empty();
    }
    return switch (s.state()) {
      case READY -> Optional.empty();
      case ABSENT -> Optional.of(new StartSnapshot(s, o.claims().wanted()));
      case BLOCKED ->
          Optional.of(
              new Wait("Snapshotting", Reasons.SNAPSHOT_PENDING, s.message(), true, GATE_RECHECK));
      case PENDING ->
          Optional.of(
              new Wait(
                  "Snapshotting",
                  Reasons.SNAPSHOT_PENDING,
                  s.message() + "; no DDL runs before the snapshot is ready",
                  false,
                  JOB_RECHECK));
      case FAILED ->
          Optional.of(
              new Fail(
                  Reasons.SNAPSHOT_FAILED,
                  s.message()
                      + "; nothing was changed in the database. Fix the cause and change the spec"
                      + " (a new generation takes a new snapshot)"));
    };
  }

  /** spec.dryRun: stop before the first forward step; the plan is in status already. */
  private static Done dryRun(MigrationObservation o) {
    long statements =
        o.desired().stream()
            .filter(d -> d.change() != null)
            .mapToLong(d -> d.change().plan(d.label()).size())
            .sum();
    return new Done(
        "Planned",
        Reasons.DRY_RUN,
        ("spec.dryRun is true: %d statement(s) of %d operation(s) planned in status.plan, none"
                + " run; set spec.dryRun to false to apply them")
            .formatted(statements, o.desired().size()),
        false);
  }

  /**
   * Contracted operations: clean up (drop what contract hid, or just record the end of the window)
   * once spec.cleanupAfter has passed; until then the contract can be undone.
   */
  private static MigrationStep cleanup(MigrationObservation o) {
    Instant next = null;
    for (var d : o.desired()) {
      OperationRecord r = o.record(d.id());
      if (d.change() == null || r == null) {
        continue;
      }
      if (OperationStates.CLEANING.equals(r.state())) {
        return new Cleanup(d, r.step());
      }
      if (OperationStates.CONTRACTED.equals(r.state())) {
        Instant due =
            (r.contractedAt() == null ? o.now() : r.contractedAt()).plus(o.cleanupAfter());
        if (!o.now().isBefore(due)) {
          return failed(o, d).orElse(new Cleanup(d, 0));
        }
        next = next == null || due.isBefore(next) ? due : next;
      }
    }
    if (next != null) {
      return new Done(
          "Contracted",
          Reasons.CLEANUP_PENDING,
          "contract done and reversible until %s (spec.cleanupAfter %s): setting spec.phase back"
                  .formatted(next, Durations.format(o.cleanupAfter()))
              + " to Expand until then restores the expanded schema (a hidden old side, kept in"
              + " sync, comes back with every value written meanwhile; a dropped index is built"
              + " again, a dropped view created again)",
          true);
    }
    return new Done("Contracted", Reasons.CONTRACTED, contractedMessage(o), true);
  }

  /** A step of this operation failed recently: report it instead of running it again at once. */
  private static Optional<MigrationStep> failed(MigrationObservation o, DesiredChange d) {
    OperationRecord r = o.record(d.id());
    if (r == null || r.failure() == null || r.failedAt() == null) {
      return Optional.empty();
    }
    if (!o.now().isBefore(r.failedAt().plus(FAILED_RETRY))) {
      return Optional.empty();
    }
    return Optional.of(
        new Fail(
            r.failureReason(),
            "spec.operations[%d] (%s): %s; retried at %s"
                .formatted(d.index(), d.kind(), r.failure(), r.failedAt().plus(FAILED_RETRY))));
  }

  private static boolean in(MigrationObservation o, DesiredChange d, String... states) {
    if (d.change() == null) {
      return false;
    }
    String state = o.state(d.id());
    for (String s : states) {
      if (java.util.Objects.equals(s, state)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isFinal(MigrationObservation o, DesiredChange d) {
    OperationRecord r = o.record(d.id());
    return r != null && ChangeResolver.isFinal(r);
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
    long rate = o.progress().stream().mapToLong(p -> p.rowsPerSecond()).sum();
    String eta = BackfillStatus.eta(t[0], t[1], rate);
    String speed =
        rate <= 0
            ? ""
            : ", %d rows/s".formatted(rate) + (eta == null ? "" : ", about " + eta + " left");
    return "backfill Job %s: %d of ~%d rows%s%s"
        .formatted(job.name(), t[0], t[1], speed, throttled);
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
