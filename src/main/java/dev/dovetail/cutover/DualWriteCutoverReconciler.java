package dev.dovetail.cutover;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.api.v1alpha1.EventReason;
import dev.dovetail.kube.EventRecorder;
import dev.dovetail.kube.Labels;
import dev.dovetail.kube.StatusUpdates;
import dev.dovetail.kube.TransitionEvents;
import dev.dovetail.metrics.Metrics;
import dev.dovetail.postgres.ServerErrors;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;

/**
 * Drives a DualWriteCutover: observe → decide → act → record, once per pass. Job changes arrive
 * through an informer on the Jobs it owns; the heartbeat and the gates are re-measured on a short
 * schedule while the cutover runs, since lag and soak time change without any Kubernetes event.
 */
@ControllerConfiguration(name = DualWriteCutoverReconciler.NAME)
public class DualWriteCutoverReconciler
    implements Reconciler<DualWriteCutover>, Cleaner<DualWriteCutover> {
  public static final String NAME = "dualwritecutover";

  private final DovetailConfig config;
  private final Metrics metrics;
  private final Clock clock;

  @jakarta.inject.Inject
  public DualWriteCutoverReconciler(DovetailConfig config, Metrics metrics) {
    this(config, metrics, Clock.systemUTC());
  }

  DualWriteCutoverReconciler(DovetailConfig config, Metrics metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, DualWriteCutover>> prepareEventSources(
      EventSourceContext<DualWriteCutover> context) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, DualWriteCutover.class)
            .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
            .build();
    return List.of(new InformerEventSource<>(jobs, context));
  }

  @Override
  public UpdateControl<DualWriteCutover> reconcile(
      DualWriteCutover cutover, Context<DualWriteCutover> context) {
    var client = context.getClient();
    var flag = new FlagPublisher(client);
    try (var connection = CutoverConnection.open(client, cutover)) {
      var seen =
          new CutoverObserver(flag).observe(cutover, connection, jobs(context), clock.instant());
      var plan =
          CutoverPlanner.plan(
              cutover.getSpec(), cutover.getStatus(), cutover.getMetadata().getGeneration(), seen);
      var outcome =
          connection.db() == null || !seen.problems().isEmpty()
              ? CutoverActor.Outcome.done(null, plan.writes())
              : new CutoverActor(client, config, flag).act(plan, cutover, connection.db(), seen);
      var status = CutoverRecorder.status(cutover, seen, plan, outcome, clock.instant());
      new TransitionEvents(client)
          .onTransition(
              cutover,
              cutover.getStatus() == null ? null : cutover.getStatus().getPhase(),
              cutover.getStatus() == null ? null : cutover.getStatus().getConditions(),
              status.getPhase(),
              status.getConditions());
      metrics.recordCutover(cutover, status);
      return patchIfChanged(cutover, context, status, recheck(plan));
    }
  }

  /**
   * Removes what the operator created in both databases, never a user row. When the Secrets are
   * gone (often deleted in the same `kubectl delete -f`) nothing can be reached ever again: the
   * finalizer is released with a Warning that names what is left to drop by hand.
   */
  @Override
  public DeleteControl cleanup(DualWriteCutover cutover, Context<DualWriteCutover> context) {
    var events = new EventRecorder(context.getClient());
    try (var connection = CutoverConnection.open(context.getClient(), cutover)) {
      if (connection.db() == null) {
        if (connection.credentialsUnreadable()) {
          events.record(
              cutover,
              EventReason.STEP_FAILED,
              "cannot clean up ("
                  + connection.unreachable()
                  + "); drop by hand: "
                  + CutoverCleanupHint.of(cutover));
          metrics.forget(cutover);
          return DeleteControl.defaultDelete();
        }
        events.record(
            cutover, EventReason.STEP_FAILED, "cleanup waits: " + connection.unreachable());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(30));
      }
      connection.db().cleanup();
      metrics.forget(cutover);
      events.record(
          cutover,
          EventReason.CLEANED_UP,
          "removed the subscriptions, slots, publications, write guards and heartbeat of this"
              + " cutover; every table and row is kept");
      return DeleteControl.defaultDelete();
    } catch (SQLException e) {
      events.record(
          cutover, EventReason.STEP_FAILED, "cleanup failed, retrying: " + ServerErrors.primary(e));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(10));
    }
  }

  /** While replication runs the gates move on their own: re-measure them on a short schedule. */
  private Duration recheck(CutoverPlan plan) {
    return CutoverPlanner.PHASE_COMPLETED.equals(plan.phase())
            || CutoverPlanner.PHASE_INVALID.equals(plan.phase())
        ? null
        : config.recheckInterval();
  }

  private static Function<String, Job> jobs(Context<DualWriteCutover> context) {
    var byName = new HashMap<String, Job>();
    context.getSecondaryResources(Job.class).forEach(j -> byName.put(j.getMetadata().getName(), j));
    return byName::get;
  }

  private static UpdateControl<DualWriteCutover> patchIfChanged(
      DualWriteCutover cutover,
      Context<DualWriteCutover> context,
      DualWriteCutoverStatus status,
      Duration recheck) {
    if (CutoverStatusBuilder.worthWriting(cutover.getStatus(), status)) {
      StatusUpdates.replace(
          cutover,
          context,
          c -> {
            c.setStatus(status);
            return c;
          });
    }
    UpdateControl<DualWriteCutover> control = UpdateControl.noUpdate();
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }
}
