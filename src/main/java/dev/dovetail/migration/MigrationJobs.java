package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.kube.ChildNames;
import dev.dovetail.kube.SpecHash;
import dev.dovetail.kube.WorkerJobs;
import dev.dovetail.postgres.BackfillTarget;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.worker.WorkerPlan;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backfill and verification Jobs of a DatabaseMigration: deterministic names from the spec
 * hash, and their specs. The worker gets its plan as JSON in DOVETAIL_PLAN and the database URI
 * only through a secretKeyRef.
 */
final class MigrationJobs {
  static final String BACKFILL = "backfill";
  static final String VERIFY = "verify";
  static final int VERIFY_CHUNK = 10_000;

  private MigrationJobs() {}

  static String migrationKey(DatabaseMigration m) {
    return m.getMetadata().getNamespace() + "/" + m.getMetadata().getName();
  }

  static String backfillHash(DatabaseMigrationSpec spec, List<DesiredChange> desired) {
    return SpecHash.of(
        Map.of(
            "operations", desired.stream().map(DesiredChange::id).toList(),
            "backfill", spec.getBackfill(),
            "maxReplicationLag", spec.getGates().getMaxReplicationLag(),
            "load",
                List.of(
                    spec.getGates().getMaxActiveConnections(), spec.getGates().getMaxLockWaits())));
  }

  /** A new backfill means a new verification. */
  static String verifyHash(List<DesiredChange> desired, String backfillJob) {
    return SpecHash.of(
        Map.of(
            "operations", desired.stream().map(DesiredChange::id).toList(), "after", backfillJob));
  }

  static String name(DatabaseMigration m, String role, String hash) {
    return ChildNames.job(m.getMetadata().getName(), role, hash);
  }

  static Job build(
      DatabaseMigration m, JobView job, List<DesiredChange> desired, DovetailConfig config) {
    var spec = m.getSpec();
    List<BackfillTarget> targets =
        desired.stream()
            .filter(d -> d.change() != null)
            .map(d -> d.change().backfill())
            .flatMap(Optional::stream)
            .toList();
    var plan =
        new WorkerPlan(
            migrationKey(m),
            targets,
            spec.getBackfill().getInitialBatchSize(),
            spec.getBackfill().getMaxBatchSize(),
            Durations.parse(spec.getBackfill().getTargetBatchDuration()).toMillis(),
            Durations.parse(spec.getBackfill().getPauseBetweenBatches()).toMillis(),
            Durations.parse(spec.getGates().getMaxReplicationLag()).toMillis(),
            spec.getGates().getMaxActiveConnections(),
            spec.getGates().getMaxLockWaits(),
            VERIFY_CHUNK);
    return WorkerJobs.build(
        m,
        job.role(),
        job.hash(),
        config,
        spec.getDatabase().getSecretRef(),
        Map.of("DOVETAIL_PLAN", plan.toJson()));
  }
}
