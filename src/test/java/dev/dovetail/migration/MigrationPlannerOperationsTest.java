package dev.dovetail.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.migration.MigrationStep.AfterBackfill;
import dev.dovetail.migration.MigrationStep.Cleanup;
import dev.dovetail.migration.MigrationStep.Contract;
import dev.dovetail.migration.MigrationStep.Done;
import dev.dovetail.migration.MigrationStep.Expand;
import dev.dovetail.migration.MigrationStep.Fail;
import dev.dovetail.migration.MigrationStep.RollBack;
import dev.dovetail.migration.MigrationStep.StartJob;
import dev.dovetail.migration.MigrationStep.Uncontract;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.LagReading;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.change.Ddl;
import dev.dovetail.postgres.change.DdlStep;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.SchemaChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The planner with several operations of different kinds in one resource: one unit, in spec order
 * forward and newest-first backward, one step of one stage per pass, multi-step stages resumed at
 * their recorded step, reversible contracts undone, cleanup after spec.cleanupAfter, and a step the
 * data refused reported rather than retried at once. Pure: no database, no Kubernetes.
 */
class MigrationPlannerOperationsTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  /** A change of the given kind with the given number of steps per stage; the planner's view. */
  record Shape(
      String id,
      String kind,
      int expandSteps,
      boolean backfills,
      int validateSteps,
      boolean hidesOldSide,
      boolean rebuildsAtUncontract)
      implements SchemaChange {
    public String describe() {
      return kind + " " + id;
    }

    public String lockedTable() {
      return "\"public\".\"t\"";
    }

    private static List<DdlStep> steps(int n) {
      var steps = new ArrayList<DdlStep>();
      for (int i = 0; i < n; i++) {
        steps.add(new DdlStep.InTransaction(List.of(Ddl.of("SELECT " + i, "none")), null, null));
      }
      return steps;
    }

    public List<DdlStep> expand() {
      return steps(expandSteps);
    }

    public Optional<BackfillTarget> backfill() {
      return backfills
          ? Optional.of(
              new BackfillTarget(id, "public", "t", "id", "bigint", "a = b", "a <> b", "a IS NULL"))
          : Optional.empty();
    }

    public List<DdlStep> afterBackfill() {
      return steps(validateSteps);
    }

    public List<DdlStep> contract() {
      return steps(1);
    }

    public List<DdlStep> uncontract() {
      return hidesOldSide || rebuildsAtUncontract ? steps(1) : List.of();
    }

    public List<DdlStep> cleanup() {
      return hidesOldSide ? steps(1) : List.of();
    }

    public List<DdlStep> rollback() {
      return steps(2);
    }
  }

  // createIndex-like (one concurrent step, nothing to backfill), addUniqueConstraint-like (two
  // expand steps), changeColumnType-like (backfill, validation, hidden old side), dropIndex-like
  // (nothing at expand; contract drops what uncontract builds again; nothing left for cleanup).
  static final Shape INDEX = new Shape("aaaaaaaaa1", "createIndex", 1, false, 0, false, false);
  static final Shape UNIQUE =
      new Shape("bbbbbbbbb2", "addUniqueConstraint", 2, false, 0, false, false);
  static final Shape TYPE = new Shape("ccccccccc3", "changeColumnType", 1, true, 1, true, false);
  static final Shape DROP = new Shape("ddddddddd4", "dropIndex", 0, false, 0, false, true);
  static final String TYPE_SPEC =
      "{\"changeColumnType\":{\"table\":\"t\",\"column\":\"c\",\"type\":\"bigint\"}}";
  static final String INDEX_SPEC =
      "{\"createIndex\":{\"table\":\"t\",\"name\":\"i\",\"columns\":[\"c\"]}}";
  static final String DROP_SPEC = "{\"dropIndex\":{\"name\":\"i\"}}";

  /** What the actor keeps for a dropIndex before its contract; without it the drop is final. */
  static final String DROP_KEPT =
      "{\"table\":\"\\\"public\\\".\\\"t\\\"\",\"definition\":\"CREATE INDEX i ON public.t"
          + " USING btree (c)\"}";

  static String specOf(Shape shape) {
    return shape == TYPE ? TYPE_SPEC : shape == DROP ? DROP_SPEC : INDEX_SPEC;
  }

  static String keptOf(Shape shape) {
    return shape == DROP ? DROP_KEPT : null;
  }

  DatabaseMigrationSpec spec = new DatabaseMigrationSpec();
  List<DesiredChange> desired = new ArrayList<>(List.of(d(0, INDEX), d(1, UNIQUE), d(2, TYPE)));
  Map<String, OperationRecord> recorded = new LinkedHashMap<>();
  Map<String, Optional<SchemaChange>> rollbackable = new LinkedHashMap<>();
  JobOutcome backfill = JobOutcome.ABSENT;
  JobOutcome verify = JobOutcome.ABSENT;
  List<dev.dovetail.postgres.VerificationRecord> verification = new ArrayList<>();
  Duration cleanupAfter = Duration.ZERO;

  static DesiredChange d(int index, Shape shape) {
    return new DesiredChange(index, shape.id(), shape.kind(), "{}", shape);
  }

  MigrationStep next() {
    var o =
        new MigrationObservation(
            NOW,
            null,
            List.of(),
            desired,
            recorded,
            rollbackable,
            new LagReading(NOW, List.of()),
            Duration.ofSeconds(60),
            Duration.ZERO,
            !recorded.isEmpty(),
            false,
            new JobView("backfill", "m-backfill-1", "1", backfill, null),
            new JobView("verify", "m-verify-2", "2", verify, null),
            List.of(),
            verification,
            cleanupAfter);
    return MigrationPlanner.next(spec, o);
  }

  void record(Shape shape, String state, int step, int minutesAgo) {
    recorded.put(
        shape.id(),
        new OperationRecord(
            shape.id(),
            specOf(shape),
            state,
            NOW.minusSeconds(60L * minutesAgo),
            null,
            step,
            null,
            null,
            null,
            keptOf(shape)));
  }

  /** The shape's operation contracted {@code secondsAgo}, spec as recorded by the actor. */
  void contracted(Shape shape, int secondsAgo) {
    recorded.put(
        shape.id(),
        new OperationRecord(
            shape.id(),
            specOf(shape),
            OperationStates.CONTRACTED,
            NOW.minusSeconds(600),
            NOW.minusSeconds(secondsAgo),
            0,
            null,
            null,
            null,
            keptOf(shape)));
  }

  @Test
  void operationsOfDifferentKindsExpandInSpecOrderOneStepPerPass() {
    assertEquals(INDEX.id(), assertInstanceOf(Expand.class, next()).change().id());
    record(INDEX, OperationStates.EXPANDED, 0, 9);
    var first = assertInstanceOf(Expand.class, next());
    assertEquals(UNIQUE.id(), first.change().id());
    assertEquals(0, first.step());
    record(
        UNIQUE, OperationStates.EXPANDING, 1, 8); // the concurrent build done, the constraint next
    var second = assertInstanceOf(Expand.class, next());
    assertEquals(UNIQUE.id(), second.change().id());
    assertEquals(1, second.step(), "a multi-step expand resumes at its recorded step");
    record(UNIQUE, OperationStates.EXPANDED, 0, 8);
    assertEquals(TYPE.id(), assertInstanceOf(Expand.class, next()).change().id());
    record(TYPE, OperationStates.EXPANDED, 0, 7);
    assertEquals(
        "backfill",
        assertInstanceOf(StartJob.class, next()).job().role(),
        "one backfill, after every expand");
  }

  @Test
  void validationRunsPerOperationInOrderAfterTheBackfillThenOneVerification() {
    record(INDEX, OperationStates.EXPANDED, 0, 9);
    record(UNIQUE, OperationStates.EXPANDED, 0, 8);
    record(TYPE, OperationStates.EXPANDED, 0, 7);
    backfill = JobOutcome.SUCCEEDED;
    // operations without validation steps are recorded validated one pass each, in order
    assertEquals(INDEX.id(), assertInstanceOf(AfterBackfill.class, next()).change().id());
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    assertEquals(UNIQUE.id(), assertInstanceOf(AfterBackfill.class, next()).change().id());
    record(UNIQUE, OperationStates.VALIDATED, 0, 8);
    assertEquals(TYPE.id(), assertInstanceOf(AfterBackfill.class, next()).change().id());
    record(TYPE, OperationStates.VALIDATED, 0, 7);
    assertEquals("verify", assertInstanceOf(StartJob.class, next()).job().role());
  }

  @Test
  void withNothingToBackfillThereIsNoVerificationJob() {
    desired = new ArrayList<>(List.of(d(0, INDEX), d(1, UNIQUE)));
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    record(UNIQUE, OperationStates.VALIDATED, 0, 8);
    var done = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.EXPANDED, done.reason());
    assertTrue(done.message().contains("nothing to backfill"), done.message());
  }

  @Test
  void abandonUndoesNewestFirstWhateverTheKind() {
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    record(UNIQUE, OperationStates.VALIDATED, 0, 8);
    record(TYPE, OperationStates.VALIDATED, 0, 7);
    desired.forEach(d -> rollbackable.put(d.id(), Optional.of(d.change())));
    spec.setPhase(MigrationPhase.Abandon);
    assertEquals(TYPE.id(), assertInstanceOf(RollBack.class, next()).operationId());
    recorded.remove(TYPE.id());
    assertEquals(UNIQUE.id(), assertInstanceOf(RollBack.class, next()).operationId());
    record(UNIQUE, OperationStates.ROLLING_BACK, 1, 8);
    var resumed = assertInstanceOf(RollBack.class, next());
    assertEquals(UNIQUE.id(), resumed.operationId());
    assertEquals(1, resumed.step(), "a rollback under way resumes at its step");
    recorded.remove(UNIQUE.id());
    assertEquals(INDEX.id(), assertInstanceOf(RollBack.class, next()).operationId());
    recorded.remove(INDEX.id());
    assertEquals(Reasons.ABANDONED, assertInstanceOf(Done.class, next()).reason());
  }

  @Test
  void aRemovedOperationIsUndoneEvenIfItStartedLast() {
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    record(TYPE, OperationStates.VALIDATED, 0, 7);
    desired = new ArrayList<>(List.of(d(0, INDEX)));
    rollbackable.put(TYPE.id(), Optional.of(TYPE));
    var step = assertInstanceOf(RollBack.class, next());
    assertEquals(TYPE.id(), step.operationId());
    assertTrue(step.why().contains("removed from spec.operations"));
  }

  @Test
  void contractRunsInOrderThenCleanupWaitsForCleanupAfter() {
    spec.setPhase(MigrationPhase.Contract);
    desired = new ArrayList<>(List.of(d(0, INDEX), d(1, TYPE)));
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    record(TYPE, OperationStates.VALIDATED, 0, 7);
    backfill = JobOutcome.SUCCEEDED;
    verify = JobOutcome.SUCCEEDED;
    verification.add(
        new dev.dovetail.postgres.VerificationRecord(
            TYPE.id(), "m-verify-2", 10, 0, 0, List.of(), NOW.minusSeconds(60)));
    assertEquals(INDEX.id(), assertInstanceOf(Contract.class, next()).change().id());
    record(INDEX, OperationStates.CONTRACTED, 0, 9);
    assertEquals(TYPE.id(), assertInstanceOf(Contract.class, next()).change().id());
    cleanupAfter = Duration.ofHours(1);
    contracted(TYPE, 60);
    var pending = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.CLEANUP_PENDING, pending.reason());
    assertTrue(pending.ready());
    assertTrue(pending.message().contains("2026-11-24T12:59:00Z"), pending.message());
    cleanupAfter = Duration.ofSeconds(30);
    assertEquals(TYPE.id(), assertInstanceOf(Cleanup.class, next()).change().id());
  }

  @Test
  void phaseBackToExpandUndoesAHiddenContractButNotAFinalOne() {
    desired = new ArrayList<>(List.of(d(0, INDEX), d(1, TYPE)));
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    contracted(TYPE, 60);
    var undo = assertInstanceOf(Uncontract.class, next());
    assertEquals(TYPE.id(), undo.operationId());
    assertEquals("spec.phase is Expand", undo.why());

    record(INDEX, OperationStates.CLEANED, 0, 9); // cleaned up: final, whatever the kind
    record(TYPE, OperationStates.VALIDATED, 0, 10);
    var irreversible = assertInstanceOf(Done.class, next());
    assertEquals(Reasons.CONTRACT_IRREVERSIBLE, irreversible.reason());
  }

  @Test
  void aContractThatChangedNothingIsUndoneUntilCleanupThenItsExpandRollsBack() {
    desired = new ArrayList<>(List.of(d(0, INDEX)));
    cleanupAfter = Duration.ofHours(1);
    contracted(INDEX, 60); // createIndex: contract has no statement
    spec.setPhase(MigrationPhase.Contract);
    assertEquals(Reasons.CLEANUP_PENDING, assertInstanceOf(Done.class, next()).reason());

    spec.setPhase(MigrationPhase.Expand);
    var back = assertInstanceOf(Uncontract.class, next());
    assertEquals(INDEX.id(), back.operationId());
    assertEquals(List.of(), back.change().uncontract(), "nothing to undo but the state");

    desired = new ArrayList<>(); // removed from the spec while contracted
    rollbackable.put(INDEX.id(), Optional.of(INDEX));
    var removed = assertInstanceOf(Uncontract.class, next());
    assertTrue(removed.why().contains("removed from spec.operations"), removed.why());
    record(INDEX, OperationStates.VALIDATED, 0, 9);
    assertEquals(INDEX.id(), assertInstanceOf(RollBack.class, next()).operationId());
  }

  @Test
  void aContractThatChangedNothingIsCleanedOnceCleanupAfterPassed() {
    desired = new ArrayList<>(List.of(d(0, INDEX)));
    spec.setPhase(MigrationPhase.Contract);
    cleanupAfter = Duration.ofSeconds(30);
    contracted(INDEX, 60);
    var cleanup = assertInstanceOf(Cleanup.class, next());
    assertEquals(INDEX.id(), cleanup.change().id());
    assertEquals(
        List.of(), cleanup.change().change().cleanup(), "nothing to drop: only recorded cleaned");
  }

  @Test
  void aContractThatDroppedWhatItKeptIsRebuiltByUncontractUntilCleanup() {
    desired = new ArrayList<>(List.of(d(0, DROP)));
    cleanupAfter = Duration.ofHours(1);
    contracted(DROP, 60);
    spec.setPhase(MigrationPhase.Contract);
    assertEquals(Reasons.CLEANUP_PENDING, assertInstanceOf(Done.class, next()).reason());

    spec.setPhase(MigrationPhase.Expand);
    var back = assertInstanceOf(Uncontract.class, next());
    assertEquals(DROP.id(), back.operationId());
    assertEquals(0, back.step());
    assertEquals(1, back.change().uncontract().size(), "the rebuild");
    record(DROP, OperationStates.UNCONTRACTING, 0, 9); // intent recorded, then a crash
    var resumed = assertInstanceOf(Uncontract.class, next());
    assertEquals(0, resumed.step(), "the rebuild runs again (it is idempotent)");
    record(DROP, OperationStates.VALIDATED, 0, 9);
    assertEquals(Reasons.EXPANDED, assertInstanceOf(Done.class, next()).reason());
  }

  @Test
  void aDropInterruptedAfterItsIntentIsRebuiltOnTheWayBackWhetherOrNotItRan() {
    desired = new ArrayList<>(List.of(d(0, DROP)));
    record(DROP, OperationStates.CONTRACTING, 0, 9); // intent committed, then a crash
    var back = assertInstanceOf(Uncontract.class, next()); // spec.phase is Expand again
    assertEquals(DROP.id(), back.operationId());
    assertEquals(0, back.step());

    spec.setPhase(MigrationPhase.Abandon);
    rollbackable.put(DROP.id(), Optional.of(DROP));
    var rebuild = assertInstanceOf(Uncontract.class, next());
    assertEquals("spec.phase is Abandon", rebuild.why(), "rebuilt before the record goes");
    record(DROP, OperationStates.VALIDATED, 0, 9);
    assertEquals(DROP.id(), assertInstanceOf(RollBack.class, next()).operationId());
  }

  @Test
  void aRebuildTheDataRefusedIsReportedThenRetriedAMinuteLater() {
    desired = new ArrayList<>(List.of(d(0, DROP)));
    cleanupAfter = Duration.ofHours(1);
    recorded.put(DROP.id(), failedUncontract(20));
    var fail = assertInstanceOf(Fail.class, next());
    assertEquals(Reasons.INDEX_BUILD_FAILED, fail.reason());
    assertTrue(fail.message().contains("retried at 2026-11-24T12:00:40Z"), fail.message());
    recorded.put(DROP.id(), failedUncontract(61));
    assertEquals(DROP.id(), assertInstanceOf(Uncontract.class, next()).operationId());
  }

  private static OperationRecord failedUncontract(int secondsAgo) {
    return new OperationRecord(
        DROP.id(),
        DROP_SPEC,
        OperationStates.UNCONTRACTING,
        NOW.minusSeconds(600),
        NOW.minusSeconds(300),
        0,
        Reasons.INDEX_BUILD_FAILED,
        "CREATE INDEX CONCURRENTLY i failed (SQLSTATE 23505: ...)",
        NOW.minusSeconds(secondsAgo),
        DROP_KEPT);
  }

  @Test
  void abandonFromContractedRebuildsFirstThenUndoesTheExpansion() {
    desired = new ArrayList<>(List.of(d(0, DROP)));
    cleanupAfter = Duration.ofHours(1);
    contracted(DROP, 60);
    rollbackable.put(DROP.id(), Optional.of(DROP));
    spec.setPhase(MigrationPhase.Abandon);
    var rebuild = assertInstanceOf(Uncontract.class, next());
    assertEquals("spec.phase is Abandon", rebuild.why());
    record(DROP, OperationStates.VALIDATED, 0, 9);
    assertEquals(DROP.id(), assertInstanceOf(RollBack.class, next()).operationId());
  }

  @Test
  void aContractThatDroppedWhatItKeptIsOnlyRecordedCleanedThenIsFinal() {
    desired = new ArrayList<>(List.of(d(0, DROP)));
    spec.setPhase(MigrationPhase.Contract);
    cleanupAfter = Duration.ofSeconds(30);
    contracted(DROP, 60);
    var cleanup = assertInstanceOf(Cleanup.class, next());
    assertEquals(DROP.id(), cleanup.change().id());
    assertEquals(List.of(), cleanup.change().change().cleanup(), "contract dropped it already");
    record(DROP, OperationStates.CLEANED, 0, 9);
    assertEquals(Reasons.CONTRACTED, assertInstanceOf(Done.class, next()).reason());
    spec.setPhase(MigrationPhase.Expand);
    assertEquals(Reasons.CONTRACT_IRREVERSIBLE, assertInstanceOf(Done.class, next()).reason());
  }

  @Test
  void aStepTheDataRefusedIsReportedThenRetriedAMinuteLater() {
    recorded.put(
        INDEX.id(),
        new OperationRecord(
            INDEX.id(),
            INDEX_SPEC,
            OperationStates.EXPANDING,
            NOW.minusSeconds(600),
            null,
            0,
            Reasons.DUPLICATE_KEYS,
            "i: 2 duplicate key value(s) in t, e.g. [(a) x2]",
            NOW.minusSeconds(20)));
    var fail = assertInstanceOf(Fail.class, next());
    assertEquals(Reasons.DUPLICATE_KEYS, fail.reason());
    assertTrue(
        fail.message().startsWith("spec.operations[0] (createIndex): i: 2 duplicate key value(s)"),
        fail.message());
    assertTrue(fail.message().contains("retried at 2026-11-24T12:00:40Z"), fail.message());
    recorded.put(
        INDEX.id(),
        new OperationRecord(
            INDEX.id(),
            INDEX_SPEC,
            OperationStates.EXPANDING,
            NOW.minusSeconds(600),
            null,
            0,
            Reasons.DUPLICATE_KEYS,
            "i: duplicates",
            NOW.minusSeconds(61)));
    assertEquals(INDEX.id(), assertInstanceOf(Expand.class, next()).change().id());

    spec.setPhase(MigrationPhase.Abandon); // rollback is never held back by a failure
    rollbackable.put(INDEX.id(), Optional.of(INDEX));
    recorded.put(
        INDEX.id(),
        new OperationRecord(
            INDEX.id(),
            INDEX_SPEC,
            OperationStates.EXPANDING,
            NOW.minusSeconds(600),
            null,
            0,
            Reasons.DUPLICATE_KEYS,
            "i: duplicates",
            NOW.minusSeconds(1)));
    assertInstanceOf(RollBack.class, next());
  }
}
