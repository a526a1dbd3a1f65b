package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationStatus;
import dev.dovetail.kube.Labels;
import dev.dovetail.kube.StatusUpdates;
import dev.dovetail.metrics.Metrics;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Drives a DatabaseMigration: observe → validate → decide → act → record, once per pass. Job
 * changes arrive through an informer on the Jobs it owns; database-side facts (lag, backfill
 * progress) are re-read on a short backstop schedule while something is in flight.
 */
@ControllerConfiguration(name = DatabaseMigrationReconciler.NAME)
public class DatabaseMigrationReconciler
    implements Reconciler<DatabaseMigration>, Cleaner<DatabaseMigration> {
  public static final String NAME = "databasemigration";

  private final DovetailConfig config;
  private final Metrics metrics;
  private final Clock clock;
  private final MigrationObserver observer = new MigrationObserver();

  @jakarta.inject.Inject
  public DatabaseMigrationReconciler(DovetailConfig config, Metrics metrics) {
    this(config, metrics, Clock.systemUTC());
  }

  public DatabaseMigrationReconciler(DovetailConfig config) {
    this(config, new Metrics());
  }

  DatabaseMigrationReconciler(DovetailConfig config, Metrics metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, DatabaseMigration>> prepareEventSources(
      EventSourceContext<DatabaseMigration> context) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, DatabaseMigration.class)
            .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
            .build();
    return List.of(new InformerEventSource<>(jobs, context));
  }

  @Override
  public UpdateControl<DatabaseMigration> reconcile(
      DatabaseMigration migration, Context<DatabaseMigration> context) throws Exception {
    try (var db = MigrationDatabase.open(context.getClient(), migration)) {
      var observation =
          observer.observe(
              migration,
              db.connection(),
              db.unreachable(),
              jobs(context),
              SnapshotLookup.of(context.getClient(), migration.getMetadata().getNamespace()),
              now());
      var step = MigrationPlanner.next(migration.getSpec(), observation);
      var recorded =
          new MigrationActor(context.getClient(), config)
              .act(step, migration, db.connection(), observation);
      var status = MigrationStatusBuilder.build(migration, observation, recorded);
      new MigrationEvents(context.getClient()).onTransition(migration, status);
      metrics.recordMigration(migration, status);
      return patchIfChanged(migration, context, status, Recheck.after(recorded, config));
    }
  }

  @Override
  public DeleteControl cleanup(DatabaseMigration migration, Context<DatabaseMigration> context)
      throws Exception {
    DeleteControl control =
        new MigrationCleanup(context.getClient(), config, observer, clock)
            .cleanup(migration, jobs(context));
    if (control.isRemoveFinalizer()) {
      metrics.forget(migration);
    }
    return control;
  }

  private Instant now() {
    return clock.instant();
  }

  private static java.util.function.Function<String, Job> jobs(Context<DatabaseMigration> context) {
    var byName = new java.util.HashMap<String, Job>();
    context.getSecondaryResources(Job.class).forEach(j -> byName.put(j.getMetadata().getName(), j));
    return byName::get;
  }

  private static UpdateControl<DatabaseMigration> patchIfChanged(
      DatabaseMigration migration,
      Context<DatabaseMigration> context,
      DatabaseMigrationStatus status,
      java.time.Duration recheck) {
    if (!Objects.equals(migration.getStatus(), status)) {
      StatusUpdates.replace(
          migration,
          context,
          m -> {
            m.setStatus(status);
            return m;
          });
    }
    UpdateControl<DatabaseMigration> control = UpdateControl.noUpdate();
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }
}
