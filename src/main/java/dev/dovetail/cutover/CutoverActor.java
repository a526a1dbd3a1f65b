package dev.dovetail.cutover;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.CutoverSync;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.EventReason;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.cutover.CutoverPlan.Action;
import dev.dovetail.kube.EventRecorder;
import dev.dovetail.postgres.ExclusiveLocks;
import dev.dovetail.postgres.ServerErrors;
import dev.dovetail.postgres.cutover.CutoverDatabase;
import dev.dovetail.postgres.cutover.CutoverProblem;
import dev.dovetail.postgres.cutover.ForeignKeyState;
import dev.dovetail.postgres.cutover.QualifiedTable;
import dev.dovetail.postgres.cutover.WriteSwitch;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Runs a plan's actions against the databases and the API server, in the plan's order. Every action
 * is idempotent (Jobs have deterministic names, DDL checks the catalog first), so a pass that dies
 * half-way is repeated safely by the next.
 */
final class CutoverActor {
  private static final Logger LOG = Logger.getLogger(CutoverActor.class);

  private final KubernetesClient client;
  private final DovetailConfig config;
  private final FlagPublisher flag;
  private final VerificationReport report;
  private final EventRecorder events;

  CutoverActor(KubernetesClient client, DovetailConfig config, FlagPublisher flag) {
    this.client = client;
    this.config = config;
    this.flag = flag;
    this.report = new VerificationReport(client);
    this.events = new EventRecorder(client);
  }

  /**
   * What acting changed that the status must say.
   *
   * @param problem a spec problem found only by acting (e.g. a table of another shape on the
   *     target), naming its field; nothing was changed
   * @param failure an action failed; the message is the database's or the API server's
   * @param failureReason the condition reason of the failure (StepFailed, or LockTimeout when a
   *     statement gave up at the connections' short lock_timeout); null without a failure
   * @param switched the write switch's result, when it ran
   * @param writes the write target the flag carries after this pass
   */
  record Outcome(
      String problem,
      String failure,
      String failureReason,
      WriteSwitch.Result switched,
      WriteTarget writes) {
    static Outcome done(WriteSwitch.Result switched, WriteTarget writes) {
      return new Outcome(null, null, null, switched, writes);
    }
  }

  Outcome act(
      CutoverPlan plan, DualWriteCutover cutover, CutoverDatabase db, CutoverObservation seen) {
    WriteTarget writes = plan.writes();
    WriteSwitch.Result switched = null;
    Action current = null;
    try {
      List<QualifiedTable> tables = seen.tables().stream().map(QualifiedTable::parse).toList();
      boolean logical =
          cutover.getSpec().getSync().getMode() == CutoverSync.Mode.LogicalReplication;
      for (Action action : plan.actions()) {
        current = action;
        switch (action) {
          case SETUP -> {
            db.ensureTargetSchema(tables);
            db.ensureBookkeeping();
            if (logical) {
              db.ensurePublication(tables);
            }
            reportForeignKeysNotMoved(cutover, db.foreignKeys(tables));
          }
          case START_COPY ->
              create(CutoverJobs.copy(cutover, seen.tables(), seen.copyHash(), config));
          case SUBSCRIBE -> {
            // Before the subscription: a failure here repeats on the next pass, after it would not.
            var added = db.addForeignKeys(tables);
            if (!added.isEmpty()) {
              events.record(
                  cutover,
                  EventReason.FOREIGN_KEYS_ADDED,
                  "added NOT VALID on the target, checked for its own writes from now on: "
                      + describe(added));
            }
            db.ensureSubscription();
          }
          case RETRY_COMPARE -> client.resource(job(cutover, seen.compareJob().name())).delete();
          case START_COMPARE ->
              create(
                  CutoverJobs.compare(
                      cutover,
                      seen.tables(),
                      CutoverJobs.compareHash(seen.copyHash(), seen.nextRound()),
                      config));
          case PUBLISH_FLAG -> flag.publish(cutover, plan.reads(), writes);
          case VALIDATE_FOREIGN_KEYS -> {
            var validated = db.validateForeignKeys(tables);
            if (!validated.isEmpty()) {
              events.record(
                  cutover,
                  EventReason.FOREIGN_KEYS_VALIDATED,
                  "validated on the target before it takes writes: " + describe(validated));
            }
          }
          case SWITCH_WRITES -> {
            switched =
                new WriteSwitch(db, tables)
                    .toward(
                        plan.switchTo() == WriteTarget.Target,
                        Durations.parse(cutover.getSpec().getGates().getMaxWritePause()),
                        () -> flag.publish(cutover, plan.reads(), plan.switchTo()));
            if (switched.switched()) {
              writes = plan.switchTo();
            }
          }
          case CLEANUP -> {
            if (seen.compareJob() != null) {
              // A round still running would write into bookkeeping that is about to go.
              client.resource(job(cutover, seen.compareJob().name())).delete();
            }
            db.cleanup();
          }
        }
      }
      seen.verification().ifPresent(v -> report.publish(cutover, v));
      return Outcome.done(switched, writes);
    } catch (CutoverProblem e) {
      return new Outcome(e.field() + ": " + e.getMessage(), null, null, switched, writes);
    } catch (SQLException e) {
      if (ExclusiveLocks.isLockTimeout(e)) {
        return new Outcome(null, lockWait(db, current), Reasons.LOCK_TIMEOUT, switched, writes);
      }
      return failed(cutover, e, switched, writes);
    } catch (KubernetesClientException e) {
      return failed(cutover, e, switched, writes);
    }
  }

  private static String lockWait(CutoverDatabase db, Action action) {
    String step = "step " + action;
    String retried = "The step did not run to its end; retried shortly";
    try {
      return db.lockWaitMessage(step, retried);
    } catch (SQLException e) {
      return step
          + " gave up waiting for a lock; the holders could not be read: "
          + ServerErrors.primary(e)
          + ". "
          + retried;
    }
  }

  private static Outcome failed(
      DualWriteCutover cutover, Exception e, WriteSwitch.Result switched, WriteTarget writes) {
    // The server's primary message only: its DETAIL would quote rows (ServerErrors).
    String message = e instanceof SQLException s ? ServerErrors.primary(s) : e.getMessage();
    LOG.warnf(
        "cutover %s/%s: %s",
        cutover.getMetadata().getNamespace(), cutover.getMetadata().getName(), message);
    return new Outcome(null, message, Reasons.STEP_FAILED, switched, writes);
  }

  /** A key to a table outside the move cannot hold on the target: say so, once per setup. */
  private void reportForeignKeysNotMoved(DualWriteCutover cutover, List<ForeignKeyState> keys) {
    var notMoved = keys.stream().filter(k -> k.state() == ForeignKeyState.State.NotMoved).toList();
    if (!notMoved.isEmpty()) {
      events.record(
          cutover,
          EventReason.FOREIGN_KEYS_NOT_MOVED,
          "not created on the target, they reference tables outside the move: "
              + describe(notMoved));
    }
  }

  private static String describe(List<ForeignKeyState> keys) {
    return keys.stream().map(ForeignKeyState::describe).collect(Collectors.joining(", "));
  }

  private void create(Job job) {
    var existing =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getName())
            .get();
    if (existing == null) {
      client.resource(job).create();
    }
  }

  private static Job job(DualWriteCutover cutover, String name) {
    var job = new Job();
    job.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(cutover.getMetadata().getNamespace())
            .build());
    return job;
  }
}
