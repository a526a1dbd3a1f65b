package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.SnapshotSettings;
import dev.dovetail.postgres.change.ChangeKinds;
import dev.dovetail.postgres.change.ChangeResolver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Checks what can be checked from the spec alone. The CRD schema refuses most of this at apply
 * time; the operator checks again because not every API server enforces CEL rules and because a
 * wrong identifier must never reach SQL. Every message starts with the field it is about.
 */
public final class MigrationValidator {
  private MigrationValidator() {}

  public static List<String> validate(DatabaseMigrationSpec spec) {
    var problems = new ArrayList<String>();
    if (spec == null) {
      return List.of("spec: missing");
    }
    if (spec.getDatabase() == null
        || spec.getDatabase().getSecretRef() == null
        || blank(spec.getDatabase().getSecretRef().getName())) {
      problems.add("spec.database.secretRef.name: required (the Secret holding the database URI)");
    }
    if (spec.getPhase() == null) {
      problems.add("spec.phase: required, one of Expand, Contract, Abandon");
    }
    List<Operation> ops = spec.getOperations() == null ? List.of() : spec.getOperations();
    if (ops.isEmpty()) {
      problems.add("spec.operations: at least one operation is required");
    }
    var ids = new HashSet<String>();
    for (int i = 0; i < ops.size(); i++) {
      String field = "spec.operations[" + i + "]";
      Operation op = ops.get(i);
      int before = problems.size();
      ChangeKinds.validate(op, field, problems);
      if (problems.size() == before && !ids.add(ChangeResolver.idOf(op))) {
        problems.add(field + ": repeats an earlier operation");
      }
    }
    duration(spec.getCleanupAfter(), "spec.cleanupAfter", problems);
    duration(spec.getGates().getMaxReplicationLag(), "spec.gates.maxReplicationLag", problems);
    duration(spec.getGates().getMinExpandDuration(), "spec.gates.minExpandDuration", problems);
    duration(
        spec.getGates().getLongTransactionWarning(), "spec.gates.longTransactionWarning", problems);
    duration(
        spec.getBackfill().getTargetBatchDuration(), "spec.backfill.targetBatchDuration", problems);
    duration(
        spec.getBackfill().getPauseBetweenBatches(), "spec.backfill.pauseBetweenBatches", problems);
    duration(spec.getDdl().getLockTimeout(), "spec.ddl.lockTimeout", problems);
    duration(spec.getDdl().getStatementTimeout(), "spec.ddl.statementTimeout", problems);
    if (spec.getBackfill().getInitialBatchSize() < 1 || spec.getBackfill().getMaxBatchSize() < 1) {
      problems.add("spec.backfill: batch sizes must be at least 1");
    } else if (spec.getBackfill().getInitialBatchSize() > spec.getBackfill().getMaxBatchSize()) {
      problems.add("spec.backfill.initialBatchSize: must not exceed maxBatchSize");
    }
    if (spec.getGates().getMaxActiveConnections() < 0) {
      problems.add("spec.gates.maxActiveConnections: must be 0 (90% of max_connections) or more");
    }
    if (spec.getGates().getMaxLockWaits() < 0) {
      problems.add("spec.gates.maxLockWaits: must be 0 or more");
    }
    snapshot(spec.getSnapshot(), problems);
    if (spec.getDdl().getMaxAttempts() < 1) {
      problems.add("spec.ddl.maxAttempts: must be at least 1");
    }
    return problems;
  }

  /** spec.snapshot: exactly one variant, each naming its PVC. */
  private static void snapshot(SnapshotSettings snapshot, List<String> problems) {
    if (snapshot == null) {
      return;
    }
    boolean volume = snapshot.getVolumeSnapshot() != null;
    boolean dump = snapshot.getPgDump() != null;
    if (volume == dump) {
      problems.add(
          "spec.snapshot: set exactly one of volumeSnapshot or pgDump"
              + (volume ? " (both are set)" : " (neither is set)"));
      return;
    }
    String pvc =
        volume
            ? snapshot.getVolumeSnapshot().getPersistentVolumeClaimName()
            : snapshot.getPgDump().getPersistentVolumeClaimName();
    String field = volume ? "spec.snapshot.volumeSnapshot" : "spec.snapshot.pgDump";
    if (blank(pvc) || !pvc.matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")) {
      problems.add(field + ".persistentVolumeClaimName: required, the name of a PVC");
    }
    if (dump && snapshot.getPgDump().getLockWaitTimeout() != null) {
      duration(snapshot.getPgDump().getLockWaitTimeout(), field + ".lockWaitTimeout", problems);
    }
  }

  private static void duration(String value, String field, List<String> problems) {
    try {
      Durations.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
