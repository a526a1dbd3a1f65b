package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DdlSettings;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Labels;
import dev.dovetail.migration.MigrationStep.AfterBackfill;
import dev.dovetail.migration.MigrationStep.Contract;
import dev.dovetail.migration.MigrationStep.Done;
import dev.dovetail.migration.MigrationStep.Expand;
import dev.dovetail.migration.MigrationStep.RollBack;
import dev.dovetail.migration.MigrationStep.StartJob;
import dev.dovetail.migration.MigrationStep.SyncPause;
import dev.dovetail.migration.MigrationStep.Wait;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.postgres.DdlRunner;
import dev.dovetail.postgres.LockBusyException;
import dev.dovetail.postgres.change.DesiredChange;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Carries out the step the planner chose: at most one per pass, each idempotent. DDL and the
 * bookkeeping row that records it commit in one transaction, so a crash between them cannot make
 * the operator repeat or forget a step. Returns the step to record, which is a {@link Wait} when a
 * lock could not be taken in time.
 */
final class MigrationActor {
  private static final Logger LOG = Logger.getLogger(MigrationActor.class);

  /** VALIDATE CONSTRAINT scans the table but lets reads and writes through; give it time. */
  private static final Duration VALIDATE_STATEMENT_TIMEOUT = Duration.ofHours(6);

  private final KubernetesClient client;
  private final DovetailConfig config;

  MigrationActor(KubernetesClient client, DovetailConfig config) {
    this.client = client;
    this.config = config;
  }

  MigrationStep act(MigrationStep step, DatabaseMigration m, Connection db, MigrationObservation o)
      throws SQLException {
    String key = MigrationJobs.migrationKey(m);
    try {
      if (step instanceof Expand e) {
        expand(e.change(), m, db, key);
      } else if (step instanceof StartJob s) {
        startJob(s.job(), m, o.desired());
      } else if (step instanceof AfterBackfill a) {
        afterBackfill(a.changes(), m, db, key);
      } else if (step instanceof Contract c) {
        contract(c.change(), m, db, key);
      } else if (step instanceof RollBack r) {
        rollBack(r, m, db, key);
      } else if (step instanceof SyncPause p) {
        Bookkeeping.setPaused(db, key, p.paused());
      } else if (step instanceof Done d && "Abandoned".equals(d.phase())) {
        forgetIfInstalled(db, key, o);
      }
      return step;
    } catch (LockBusyException e) {
      LOG.infof("%s: %s", key, e.getMessage());
      return new Wait("Blocked", Reasons.LOCK_TIMEOUT, e.getMessage(), true, Duration.ofSeconds(2));
    }
  }

  private void expand(DesiredChange d, DatabaseMigration m, Connection db, String key)
      throws SQLException, LockBusyException {
    Bookkeeping.install(db);
    Bookkeeping.setPaused(db, key, m.getSpec().isPaused());
    ddl(m.getSpec().getDdl(), null)
        .run(
            db,
            d.change().lockedTable(),
            d.change().expandStatements(),
            tx -> Bookkeeping.recordOperation(tx, key, d.id(), d.specJson(), "expanded"));
    LOG.infof("%s: expanded %s", key, d.change().describe());
  }

  private void afterBackfill(
      List<DesiredChange> changes, DatabaseMigration m, Connection db, String key)
      throws SQLException, LockBusyException {
    var runner = ddl(m.getSpec().getDdl(), VALIDATE_STATEMENT_TIMEOUT);
    for (var d : changes) {
      runner.run(
          db,
          d.change().lockedTable(),
          d.change().afterBackfillStatements(),
          tx -> Bookkeeping.recordOperation(tx, key, d.id(), d.specJson(), "validated"));
    }
  }

  private void contract(DesiredChange d, DatabaseMigration m, Connection db, String key)
      throws SQLException, LockBusyException {
    ddl(m.getSpec().getDdl(), null)
        .run(
            db,
            d.change().lockedTable(),
            d.change().contractStatements(),
            tx -> Bookkeeping.recordOperation(tx, key, d.id(), d.specJson(), "contracted"));
    LOG.infof("%s: contracted %s", key, d.change().describe());
  }

  private void rollBack(RollBack r, DatabaseMigration m, Connection db, String key)
      throws SQLException, LockBusyException {
    deleteJobs(m); // a running backfill would fight the DROP COLUMN for locks
    if (r.change().isEmpty()) {
      Bookkeeping.deleteOperation(db, key, r.operationId());
      return;
    }
    var change = r.change().get();
    ddl(m.getSpec().getDdl(), null)
        .run(
            db,
            change.lockedTable(),
            change.rollbackStatements(),
            tx -> Bookkeeping.deleteOperation(tx, key, r.operationId()));
    LOG.infof("%s: rolled back %s (%s)", key, change.describe(), r.why());
  }

  private void forgetIfInstalled(Connection db, String key, MigrationObservation o)
      throws SQLException {
    if (o.bookkeepingInstalled() && !o.recorded().isEmpty()) {
      Bookkeeping.forgetMigration(db, key);
    }
  }

  private void startJob(JobView job, DatabaseMigration m, List<DesiredChange> desired) {
    var jobs = client.batch().v1().jobs().inNamespace(m.getMetadata().getNamespace());
    // A changed spec means a new hash: stop the Job of the old spec so two workers never run.
    jobs
        .withLabels(Labels.forChild(m.getMetadata().getName(), job.role()))
        .list()
        .getItems()
        .stream()
        .filter(j -> !j.getMetadata().getName().equals(job.name()))
        .forEach(
            j ->
                jobs.resource(j)
                    .withPropagationPolicy(
                        io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                    .delete());
    try {
      jobs.resource(MigrationJobs.build(m, job, desired, config)).create();
      LOG.infof("%s: started Job %s", MigrationJobs.migrationKey(m), job.name());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // already there: a previous pass created it
        throw e;
      }
    }
  }

  private void deleteJobs(DatabaseMigration m) {
    var jobs = client.batch().v1().jobs().inNamespace(m.getMetadata().getNamespace());
    for (String role : List.of(MigrationJobs.BACKFILL, MigrationJobs.VERIFY)) {
      jobs.withLabels(Labels.forChild(m.getMetadata().getName(), role))
          .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
          .delete();
    }
  }

  private static DdlRunner ddl(DdlSettings settings, Duration statementTimeout) {
    return new DdlRunner(
        Durations.parse(settings.getLockTimeout()),
        statementTimeout != null
            ? statementTimeout
            : Durations.parse(settings.getStatementTimeout()),
        settings.getMaxAttempts());
  }
}
