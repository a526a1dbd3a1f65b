package dev.dovetail.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.api.v1alpha1.RenameColumn;
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
import dev.dovetail.postgres.BackfillProgress;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.LagReading;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.ReplicaLag;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.VerificationRecord;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.RenameColumnChange;
import dev.dovetail.postgres.change.SchemaChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The planner is a pure function: each test is one (spec, observation) → step row. */
class MigrationPlannerTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  static final TableInfo USERS =
      new TableInfo(
          "public",
          "users",
          List.of(
              new ColumnInfo("id", "bigint", true, null),
              new ColumnInfo("user_name", "text", true, null)),
          List.of("id"),
          1000);
  static final RenameColumn RENAME = new RenameColumn("public", "users", "user_name", "username");
  static final SchemaChange CHANGE =
      new RenameColumnChange(RENAME, USERS, USERS.column("user_name").orElseThrow());
  static final DesiredChange DESIRED =
      new DesiredChange(0, CHANGE.id(), "renameColumn", "{}", CHANGE);

  DatabaseMigrationSpec spec = spec(MigrationPhase.Expand);
  Map<String, OperationRecord> recorded = new LinkedHashMap<>();
  Map<String, Optional<SchemaChange>> rollbackable = new LinkedHashMap<>();
  List<String> problems = new ArrayList<>();
  Unreadable unreachable;
  LagReading lag = new LagReading(NOW, List.of());
  Duration minExpand = Duration.ZERO;
  boolean paused;
  JobOutcome backfill = JobOutcome.ABSENT;
  JobOutcome verify = JobOutcome.ABSENT;
  List<BackfillProgress> progress = new ArrayList<>();
  List<VerificationRecord> verification = new ArrayList<>();
  TableClaims claims = TableClaims.NONE;
  MigrationObservation.ExpandDeadline deadline = MigrationObservation.ExpandDeadline.NONE;
  SnapshotView snapshot;

  MigrationStep next() {
    var o =
        new MigrationObservation(
            NOW,
            unreachable,
            problems,
            List.of(DESIRED),
            recorded,
            rollbackable,
            lag,
            Duration.ofSeconds(60),
            minExpand,
            !recorded.isEmpty(),
            paused,
            new JobView(
                "backfill",
                "m-backfill-1",
                "1",
                backfill,
                backfill == JobOutcome.FAILED ? "BackoffLimitExceeded: boom" : null),
            new JobView(
                "verify",
                "m-verify-2",
                "2",
                verify,
                verify == JobOutcome.FAILED ? "DeadlineExceeded: slow" : null),
            progress,
            verification,
            Duration.ZERO,
            claims,
            deadline,
            List.of(),
            Map.of(),
            snapshot);
    return MigrationPlanner.next(spec, o);
  }

  @Test
  void invalidSpecRunsNothing() {
    problems.add("spec.operations[0].renameColumn.table: table public.userz does not exist");
    var step = assertInstanceOf(Invalid.class, next());
    assertEquals(problems, step.problems());
  }

  @Test
  void unreachableDatabaseBlocks() {
    unreachable =
        Unreadable.unreachable("spec.database.secretRef: Secret db not found in namespace shop");
    var step = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.DATABASE_UNREACHABLE, step.reason());
    assertTrue(step.blocked());
  }

  @Test
  void aReadThatRanIntoALockWaitsAndNamesTheHolder() {
    unreachable = Unreadable.lockWait("ACCESS EXCLUSIVE public.users held by pid 42");
    var step = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.LOCK_TIMEOUT, step.reason());
    assertEquals("ACCESS EXCLUSIVE public.users held by pid 42", step.message());
    assertTrue(step.blocked(), "Progressing=False: nothing moves until the read succeeds");
  }

  @Test
  void freshMigrationExpandsFirstOperation() {
    assertEquals(DESIRED, assertInstanceOf(Expand.class, next()).change());
  }

  static SnapshotView snapshot(SnapshotView.State state, String message) {
    return new SnapshotView("VolumeSnapshot", "m-snapshot-g1", 1, state, message, null);
  }

  @Test
  void noDdlBeforeTheSnapshotOfTheGenerationIsReady() {
    claims = new TableClaims(List.of("\"public\".\"users\""), Map.of(), "shop/m");
    snapshot = snapshot(SnapshotView.State.ABSENT, null);
    // Claimed first, so that no other migration changes the tables between snapshot and expand.
    assertInstanceOf(MigrationStep.Claim.class, next());
    claims =
        new TableClaims(
            List.of("\"public\".\"users\""), Map.of("\"public\".\"users\"", "shop/m"), "shop/m");
    var start = assertInstanceOf(MigrationStep.StartSnapshot.class, next());
    assertEquals("Snapshotting", start.phase());
    assertEquals(List.of("\"public\".\"users\""), start.tables());

    snapshot = snapshot(SnapshotView.State.PENDING, "VolumeSnapshot m-snapshot-g1 is not ready");
    var waiting = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.SNAPSHOT_PENDING, waiting.reason());
    assertEquals("Snapshotting", waiting.phase());
    assertEquals(false, waiting.blocked(), "Progressing=True: the snapshot is work under way");

    snapshot = snapshot(SnapshotView.State.FAILED, "VolumeSnapshot m-snapshot-g1 failed: quota");
    var failed = assertInstanceOf(Fail.class, next());
    assertEquals(Reasons.SNAPSHOT_FAILED, failed.reason());
    assertTrue(failed.message().startsWith("VolumeSnapshot m-snapshot-g1 failed: quota"));
    assertTrue(failed.message().contains("nothing was changed in the database"));

    snapshot = snapshot(SnapshotView.State.READY, null);
    assertEquals(DESIRED, assertInstanceOf(Expand.class, next()).change());
  }

  @Test
  void aMissingSnapshotVolumeHoldsExpandWithoutCreatingAnything() {
    claims =
        new TableClaims(
            List.of("\"public\".\"users\""), Map.of("\"public\".\"users\"", "shop/m"), "shop/m");
    String missing =
        "spec.snapshot.pgDump.persistentVolumeClaimName: PersistentVolumeClaim backups not found";
    snapshot = snapshot(SnapshotView.State.BLOCKED, missing);
    var waiting = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.SNAPSHOT_PENDING, waiting.reason());
    assertEquals(missing, waiting.message());
    assertTrue(waiting.blocked(), "Progressing=False: nothing is under way until the PVC exists");
  }

  @Test
  void theLagGateComesBeforeTheSnapshot() {
    snapshot = snapshot(SnapshotView.State.ABSENT, null);
    lag = lagged(Duration.ofSeconds(75));
    assertEquals(Reasons.REPLICATION_LAGGING, assertInstanceOf(Wait.class, next()).reason());
  }

  @Test
  void replicaLagOverTheGateBlocksExpandWithTheMeasuredValue() {
    lag = lagged(Duration.ofSeconds(75));
    var step = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.REPLICATION_LAGGING, step.reason());
    assertTrue(step.message().contains("1m15s"), step.message());
    assertTrue(step.message().contains("gates.maxReplicationLag 1m0s"), step.message());
  }

  @Test
  void dryRunStopsBeforeAnyDdlAndCountsThePlan() {
    spec.setDryRun(true);
    var step = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.DRY_RUN, step.reason());
    assertEquals(false, step.ready());
    int planned = CHANGE.plan(DESIRED.label()).size();
    assertTrue(planned > 0);
    assertTrue(
        step.message().startsWith("spec.dryRun is true: " + planned + " statement(s)"),
        step.message());
    spec.setDryRun(false);
    assertInstanceOf(Expand.class, next());
  }

  @Test
  void dryRunNeverHoldsRollbackBack() {
    spec.setDryRun(true);
    var gone = new OperationRecord("0123456789", "{}", "expanded", NOW, null);
    recorded.put(gone.operationId(), gone);
    rollbackable.put(gone.operationId(), Optional.empty());
    assertEquals("0123456789", assertInstanceOf(RollBack.class, next()).operationId());
  }

  @Test
  void aTableHeldByAnotherMigrationQueuesThisOneAndNamesTheHolder() {
    claims =
        new TableClaims(
            List.of("\"public\".\"users\""),
            Map.of("\"public\".\"users\"", "shop/first"),
            "shop/second");
    var step = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.QUEUED, step.reason());
    assertEquals("Queued", step.phase());
    assertTrue(step.blocked());
    assertTrue(
        step.message()
            .startsWith("waits for DatabaseMigration shop/first, which holds \"public\".\"users\""),
        step.message());
  }

  @Test
  void unclaimedTablesAreClaimedBeforeTheFirstDdlThenExpandRuns() {
    claims = new TableClaims(List.of("\"public\".\"users\""), Map.of(), "shop/second");
    assertEquals(
        List.of("\"public\".\"users\""),
        assertInstanceOf(MigrationStep.Claim.class, next()).tables());
    claims =
        new TableClaims(
            List.of("\"public\".\"users\""),
            Map.of("\"public\".\"users\"", "shop/second"),
            "shop/second");
    assertInstanceOf(Expand.class, next());
  }

  @Test
  void dryRunClaimsNothing() {
    spec.setDryRun(true);
    claims = new TableClaims(List.of("\"public\".\"users\""), Map.of(), "shop/second");
    assertEquals(Reasons.DRY_RUN, assertInstanceOf(Done.class, next()).reason());
  }

  @Test
  void expandedOperationStartsTheBackfill() {
    record("expanded");
    assertEquals("backfill", assertInstanceOf(StartJob.class, next()).job().role());
  }

  @Test
  void runningBackfillWaitsAndShowsProgress() {
    record("expanded");
    backfill = JobOutcome.RUNNING;
    progress.add(progress(400, 1000, null, null));
    var step = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.BACKFILL_RUNNING, step.reason());
    assertTrue(step.message().contains("400 of ~1000"), step.message());
  }

  @Test
  void failedBackfillIsReportedWithTheJobsReason() {
    record("expanded");
    backfill = JobOutcome.FAILED;
    var step = assertInstanceOf(Fail.class, next());
    assertEquals(Reasons.BACKFILL_FAILED, step.reason());
    assertTrue(step.message().contains("BackoffLimitExceeded"));
  }

  @Test
  void finishedBackfillLeadsToConstraintValidationThenVerification() {
    record("expanded");
    backfill = JobOutcome.SUCCEEDED;
    assertInstanceOf(AfterBackfill.class, next());
    record("validated");
    assertEquals("verify", assertInstanceOf(StartJob.class, next()).job().role());
  }

  @Test
  void backfillJobGoneAfterItsTtlDoesNotRunAgain() {
    record("validated");
    progress.add(progress(1000, 1000, null, NOW.minusSeconds(3600)));
    verify = JobOutcome.ABSENT;
    assertEquals("verify", assertInstanceOf(StartJob.class, next()).job().role());
  }

  @Test
  void cleanVerificationMakesExpandReady() {
    verified(0, 0);
    var step = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.EXPANDED, step.reason());
    assertTrue(step.ready());
  }

  @Test
  void mismatchIsAFailureWithSampleKeys() {
    verified(2, 3);
    var step = assertInstanceOf(Fail.class, next());
    assertEquals(Reasons.VERIFICATION_MISMATCH, step.reason());
    assertTrue(step.message().contains("5 of 1000 rows"), step.message());
    assertTrue(step.message().contains("[7, 9]"), step.message());
  }

  @Test
  void contractWaitsForTheSoakThenRuns() {
    verified(0, 0);
    spec.setPhase(MigrationPhase.Contract);
    minExpand = Duration.ofHours(1);
    var soak = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.SOAKING, soak.reason());
    assertTrue(soak.message().contains("50m0s left"), soak.message());
    minExpand = Duration.ofMinutes(5);
    assertEquals(DESIRED, assertInstanceOf(Contract.class, next()).change());
  }

  @Test
  void contractIsGatedOnLagButRollbackIsNot() {
    verified(0, 0);
    spec.setPhase(MigrationPhase.Contract);
    lag = lagged(Duration.ofMinutes(5));
    assertEquals(Reasons.REPLICATION_LAGGING, assertInstanceOf(Wait.class, next()).reason());
    spec.setPhase(MigrationPhase.Abandon);
    rollbackable.put(CHANGE.id(), Optional.of(CHANGE));
    assertInstanceOf(RollBack.class, next());
  }

  @Test
  void cleanedUpMigrationIsDoneAndCannotGoBack() {
    record("cleaned"); // contract and cleanup ran: the old column is dropped
    spec.setPhase(MigrationPhase.Contract);
    assertEquals(Reasons.CONTRACTED, assertInstanceOf(Done.class, next()).reason());
    spec.setPhase(MigrationPhase.Expand);
    var back = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.CONTRACT_IRREVERSIBLE, back.reason());
    assertEquals(false, back.ready());
  }

  @Test
  void contractStraightFromNothingIsRefused() {
    spec.setPhase(MigrationPhase.Contract);
    var step = assertInstanceOf(Wait.class, next());
    assertEquals(Reasons.EXPAND_NOT_VERIFIED, step.reason());
    assertTrue(step.message().contains("spec.operations[0]"));
  }

  @Test
  void operationRemovedFromTheSpecIsRolledBack() {
    var gone = new OperationRecord("0123456789", "{}", "expanded", NOW, null);
    recorded.put(gone.operationId(), gone);
    rollbackable.put(gone.operationId(), Optional.empty());
    lag = lagged(Duration.ofHours(1)); // rollback is never gated
    var step = assertInstanceOf(RollBack.class, next());
    assertEquals("0123456789", step.operationId());
  }

  @Test
  void abandonWithNothingLeftIsDone() {
    spec.setPhase(MigrationPhase.Abandon);
    assertEquals(Reasons.ABANDONED, assertInstanceOf(Done.class, next()).reason());
  }

  @Test
  void pauseIsMirroredIntoTheDatabaseThenHolds() {
    record("expanded");
    spec.setPaused(true);
    assertEquals(true, assertInstanceOf(SyncPause.class, next()).paused());
    paused = true;
    assertEquals(Reasons.PAUSED, assertInstanceOf(Wait.class, next()).reason());
  }

  private void record(String state) {
    recorded.put(
        CHANGE.id(), new OperationRecord(CHANGE.id(), "{}", state, NOW.minusSeconds(600), null));
  }

  private void verified(long missing, long differing) {
    record("validated");
    backfill = JobOutcome.SUCCEEDED;
    verify = JobOutcome.SUCCEEDED;
    verification.add(
        new VerificationRecord(
            CHANGE.id(),
            "m-verify-2",
            1000,
            missing,
            differing,
            missing + differing == 0 ? List.of() : List.of("7", "9"),
            NOW.minusSeconds(600)));
  }

  private static BackfillProgress progress(
      long done, long total, String throttled, Instant finished) {
    return new BackfillProgress(
        CHANGE.id(),
        "m-backfill-1",
        String.valueOf(done),
        done,
        done,
        total,
        1000,
        throttled,
        NOW.minusSeconds(60),
        NOW,
        finished);
  }

  private static LagReading lagged(Duration lag) {
    return new LagReading(
        NOW, List.of(new ReplicaLag("walreceiver", "127.0.0.1", "streaming", lag, 1_000_000)));
  }

  private static DatabaseMigrationSpec spec(MigrationPhase phase) {
    var spec = new DatabaseMigrationSpec();
    spec.setPhase(phase);
    spec.setOperations(List.of(Operation.renameColumn(RENAME)));
    return spec;
  }

  @Test
  void anExpandPastSpecTimeoutRollsBackAndThenStaysTimedOut() {
    recorded.put(CHANGE.id(), new OperationRecord(CHANGE.id(), "{}", "expanded", NOW, null));
    rollbackable.put(CHANGE.id(), Optional.of(CHANGE));
    backfill = JobOutcome.RUNNING;
    deadline =
        new MigrationObservation.ExpandDeadline(
            Duration.ofMinutes(10), NOW.minus(Duration.ofMinutes(11)), false);
    var undo = assertInstanceOf(RollBack.class, next());
    assertEquals("spec.timeout 10m0s passed before expand finished", undo.why());

    recorded.clear();
    rollbackable.clear();
    deadline = new MigrationObservation.ExpandDeadline(Duration.ofMinutes(10), null, true);
    var done = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.EXPAND_TIMED_OUT, done.reason());
    assertEquals(false, done.ready());
  }

  @Test
  void specTimeoutNeitherFiresBeforeItPassesNorWhilePaused() {
    recorded.put(CHANGE.id(), new OperationRecord(CHANGE.id(), "{}", "expanded", NOW, null));
    rollbackable.put(CHANGE.id(), Optional.of(CHANGE));
    backfill = JobOutcome.RUNNING;
    deadline =
        new MigrationObservation.ExpandDeadline(
            Duration.ofMinutes(10), NOW.minus(Duration.ofMinutes(9)), false);
    assertInstanceOf(Wait.class, next(), "9 of 10 minutes: the backfill goes on");
    deadline =
        new MigrationObservation.ExpandDeadline(
            Duration.ofMinutes(10), NOW.minus(Duration.ofHours(1)), false);
    spec.setPaused(true);
    paused = true;
    assertEquals(
        Reasons.PAUSED, assertInstanceOf(Wait.class, next()).reason(), "paused: not counted");
  }
}
