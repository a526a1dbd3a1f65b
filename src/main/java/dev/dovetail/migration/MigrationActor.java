package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DdlSettings;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Labels;
import dev.dovetail.migration.MigrationStep.AfterBackfill;
import dev.dovetail.migration.MigrationStep.Cleanup;
import dev.dovetail.migration.MigrationStep.Contract;
import dev.dovetail.migration.MigrationStep.Done;
import dev.dovetail.migration.MigrationStep.Expand;
import dev.dovetail.migration.MigrationStep.Fail;
import dev.dovetail.migration.MigrationStep.RollBack;
import dev.dovetail.migration.MigrationStep.StartJob;
import dev.dovetail.migration.MigrationStep.SyncPause;
import dev.dovetail.migration.MigrationStep.Uncontract;
import dev.dovetail.migration.MigrationStep.Wait;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.postgres.DdlRunner.TransactionBody;
import dev.dovetail.postgres.LockBusyException;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.change.DdlStep;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.SchemaChange;
import dev.dovetail.postgres.change.StepFailure;
import dev.dovetail.postgres.change.StepRunner;
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
 * the operator repeat or forget a step; a step that cannot run in a transaction (CREATE INDEX
 * CONCURRENTLY) commits its intent first and is safe to repeat. Returns the step to record: a
 * {@link Wait} when a lock could not be taken in time, a {@link Fail} (also recorded in the
 * database, so it is not retried at once) when the data refuses the step.
 */
final class MigrationActor {
  private static final Logger LOG = Logger.getLogger(MigrationActor.class);

  private final KubernetesClient client;
  private final DovetailConfig config;

  MigrationActor(KubernetesClient client, DovetailConfig config) {
    this.client = client;
    this.config = config;
  }

  MigrationStep act(MigrationStep step, DatabaseMigration m, Connection db, MigrationObservation o)
      throws SQLException {
    String key = MigrationJobs.migrationKey(m);
    DdlSettings ddl = m.getSpec().getDdl();
    try {
      if (step instanceof Expand e) {
        Bookkeeping.install(db);
        Bookkeeping.setPaused(db, key, m.getSpec().isPaused());
        var d = e.change();
        stage(
            db,
            ddl,
            key,
            d.id(),
            d.specJson(),
            d.change(),
            d.change().expand(),
            e.step(),
            OperationStates.EXPANDING,
            OperationStates.EXPANDED);
      } else if (step instanceof MigrationStep.StartSnapshot s) {
        MigrationSnapshots.create(client, m, s.tables(), config);
        LOG.infof("%s: started %s %s", key, s.snapshot().kind(), s.snapshot().name());
      } else if (step instanceof StartJob s) {
        startJob(s.job(), m, o.desired());
      } else if (step instanceof AfterBackfill a) {
        var d = a.change();
        stage(
            db,
            ddl,
            key,
            d.id(),
            d.specJson(),
            d.change(),
            d.change().afterBackfill(),
            a.step(),
            OperationStates.VALIDATING,
            OperationStates.VALIDATED);
      } else if (step instanceof Contract c) {
        var d = c.change();
        // Committed before the contract drops it: uncontract builds it again from the record.
        var kept = d.change().keptForUncontract();
        if (kept.isPresent()) {
          committed(db, tx -> Bookkeeping.keepForUncontract(tx, key, d.id(), kept.get()));
        }
        stage(
            db,
            ddl,
            key,
            d.id(),
            d.specJson(),
            d.change(),
            d.change().contract(),
            c.step(),
            OperationStates.CONTRACTING,
            OperationStates.CONTRACTED);
      } else if (step instanceof Cleanup c) {
        var d = c.change();
        stage(
            db,
            ddl,
            key,
            d.id(),
            d.specJson(),
            d.change(),
            d.change().cleanup(),
            c.step(),
            OperationStates.CLEANING,
            OperationStates.CLEANED);
      } else if (step instanceof Uncontract u) {
        stage(
            db,
            ddl,
            key,
            u.operationId(),
            specOf(o, u.operationId()),
            u.change(),
            u.change().uncontract(),
            u.step(),
            OperationStates.UNCONTRACTING,
            OperationStates.VALIDATED);
      } else if (step instanceof RollBack r) {
        rollBack(r, m, db, key, o);
      } else if (step instanceof SyncPause p) {
        Bookkeeping.setPaused(db, key, p.paused());
      } else if (step instanceof MigrationStep.Claim claim) {
        Bookkeeping.install(db);
        var others = Bookkeeping.claim(db, key, claim.tables());
        if (!others.isEmpty()) {
          // Another replica or migration claimed first, between observe and act.
          return new Wait(
              "Queued",
              Reasons.QUEUED,
              TableClaims.queuedMessage(others),
              true,
              Duration.ofSeconds(5));
        }
        LOG.infof("%s: claimed %s", key, claim.tables());
      } else if (step instanceof Done d
          && ("Abandoned".equals(d.phase()) || Reasons.EXPAND_TIMED_OUT.equals(d.reason()))) {
        forgetIfInstalled(db, key, o);
        Bookkeeping.release(db, key);
      } else if (step instanceof Done d && Reasons.CONTRACTED.equals(d.reason())) {
        // Contracted operations resolve to no change (their old side is gone), so the claims are
        // released by migration, not by the tables the spec names now.
        Bookkeeping.release(db, key);
      }
      if (step instanceof Expand
          || step instanceof AfterBackfill
          || step instanceof Contract
          || step instanceof Cleanup
          || step instanceof Uncontract) {
        LOG.infof("%s: %s", key, describe(step));
      }
      return step;
    } catch (LockBusyException e) {
      LOG.infof("%s: %s", key, e.getMessage());
      return new Wait("Blocked", Reasons.LOCK_TIMEOUT, e.getMessage(), true, Duration.ofSeconds(2));
    } catch (StepFailure f) {
      String id = operationOf(step);
      Bookkeeping.install(db);
      Bookkeeping.recordFailure(db, key, id, specOf(o, step), f.reason(), f.getMessage());
      LOG.warnf("%s: %s failed: %s", key, describe(step), f.getMessage());
      return new Fail(f.reason(), describe(step) + ": " + f.getMessage());
    }
  }

  /**
   * Runs step {@code index} of a stage and records it: the next index, or the stage's end state
   * ({@code done}; null deletes the record, for rollback). An empty stage is recorded as done.
   */
  private void stage(
      Connection db,
      DdlSettings ddl,
      String key,
      String id,
      String specJson,
      SchemaChange change,
      List<DdlStep> steps,
      int index,
      String running,
      String done)
      throws SQLException, LockBusyException, StepFailure {
    TransactionBody finish =
        tx -> {
          if (done == null) {
            Bookkeeping.deleteOperation(tx, key, id);
          } else {
            Bookkeeping.advance(tx, key, id, specJson, done, 0);
          }
        };
    if (index >= steps.size()) {
      committed(db, finish);
      return;
    }
    boolean last = index + 1 == steps.size();
    TransactionBody intent = tx -> Bookkeeping.advance(tx, key, id, specJson, running, index);
    TransactionBody next =
        last ? finish : tx -> Bookkeeping.advance(tx, key, id, specJson, running, index + 1);
    runner(ddl).run(db, change.lockedTable(), steps.get(index), intent, next);
  }

  private void rollBack(
      RollBack r, DatabaseMigration m, Connection db, String key, MigrationObservation o)
      throws SQLException, LockBusyException, StepFailure {
    deleteJobs(m); // a running backfill would fight the DROP COLUMN for locks
    if (r.change().isEmpty()) {
      Bookkeeping.deleteOperation(db, key, r.operationId());
      return;
    }
    var change = r.change().get();
    stage(
        db,
        m.getSpec().getDdl(),
        key,
        r.operationId(),
        specOf(o, r.operationId()),
        change,
        change.rollback(),
        r.step(),
        OperationStates.ROLLING_BACK,
        null);
    LOG.infof("%s: rolled back step %d of %s (%s)", key, r.step(), change.describe(), r.why());
  }

  private static String specOf(MigrationObservation o, String operationId) {
    var record = o.recorded().get(operationId);
    if (record != null) {
      return record.specJson();
    }
    return o.desired().stream()
        .filter(d -> d.id().equals(operationId))
        .map(DesiredChange::specJson)
        .findFirst()
        .orElse("{}");
  }

  private static String specOf(MigrationObservation o, MigrationStep step) {
    return specOf(o, operationOf(step));
  }

  private static String operationOf(MigrationStep step) {
    if (step instanceof Expand e) {
      return e.change().id();
    } else if (step instanceof AfterBackfill a) {
      return a.change().id();
    } else if (step instanceof Contract c) {
      return c.change().id();
    } else if (step instanceof Cleanup c) {
      return c.change().id();
    } else if (step instanceof Uncontract u) {
      return u.operationId();
    }
    return ((RollBack) step).operationId();
  }

  private static String describe(MigrationStep step) {
    if (step instanceof Expand e) {
      return "expand step " + (e.step() + 1) + " of " + e.change().change().describe();
    } else if (step instanceof AfterBackfill a) {
      return "validation step " + (a.step() + 1) + " of " + a.change().change().describe();
    } else if (step instanceof Contract c) {
      return "contract of " + c.change().change().describe();
    } else if (step instanceof Cleanup c) {
      return "cleanup of " + c.change().change().describe();
    } else if (step instanceof Uncontract u) {
      return "undoing the contract of " + u.change().describe() + " (" + u.why() + ")";
    } else if (step instanceof RollBack r) {
      return "rollback of " + r.change().map(SchemaChange::describe).orElse(r.operationId());
    }
    return step.toString();
  }

  private static void committed(Connection db, TransactionBody body) throws SQLException {
    boolean autoCommit = db.getAutoCommit();
    db.setAutoCommit(false);
    try {
      body.run(db);
      db.commit();
    } catch (SQLException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(autoCommit);
    }
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

  private static StepRunner runner(DdlSettings settings) {
    return new StepRunner(
        Durations.parse(settings.getLockTimeout()),
        Durations.parse(settings.getStatementTimeout()),
        settings.getMaxAttempts());
  }
}
