package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.EventReason;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Clock;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Deleting a DatabaseMigration is a revert of the commit that added it: whatever it expanded and
 * did not contract is undone, exactly as with {@code phase: Abandon}. Contracted changes stay. When
 * the database can no longer be reached (its Secret is gone too), the resource is let go with a
 * Warning Event naming what may be left behind, rather than blocking deletion forever.
 */
final class MigrationCleanup {
  private static final Logger LOG = Logger.getLogger(MigrationCleanup.class);

  private final KubernetesClient client;
  private final DovetailConfig config;
  private final MigrationObserver observer;
  private final Clock clock;

  MigrationCleanup(
      KubernetesClient client, DovetailConfig config, MigrationObserver observer, Clock clock) {
    this.client = client;
    this.config = config;
    this.observer = observer;
    this.clock = clock;
  }

  DeleteControl cleanup(DatabaseMigration original, Function<String, Job> jobs) throws Exception {
    DatabaseMigration m = Serialization.clone(original);
    m.getSpec().setPhase(MigrationPhase.Abandon);
    try (var db = MigrationDatabase.open(client, m)) {
      if (db.connection() == null) {
        String why = db.unreachable() == null ? "the spec names no database" : db.unreachable();
        new EventRecorder(client)
            .record(
                original,
                EventReason.DATABASE_UNREACHABLE,
                "deleted without cleanup; sync triggers or columns this migration added may remain: "
                    + why);
        LOG.warnf("%s deleted without cleanup: %s", MigrationJobs.migrationKey(m), why);
        return DeleteControl.defaultDelete();
      }
      var observation = observer.observe(m, db.connection(), null, jobs, clock.instant());
      var step = MigrationPlanner.next(m.getSpec(), observation);
      var done = new MigrationActor(client, config).act(step, m, db.connection(), observation);
      if (done instanceof MigrationStep.Done || done instanceof MigrationStep.Invalid) {
        return DeleteControl.defaultDelete();
      }
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(Recheck.after(done, config).toMillis());
    }
  }
}
