package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationStatus;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.kube.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.Set;

/**
 * One Event per user-visible transition: the phase or the Progressing reason changed. The Event's
 * reason is the condition reason, from the closed set in {@link Reasons}.
 */
final class MigrationEvents {
  private static final Set<String> WARNINGS =
      Set.of(
          Reasons.INVALID_SPEC,
          Reasons.DATABASE_UNREACHABLE,
          Reasons.REPLICATION_LAGGING,
          Reasons.LOCK_TIMEOUT,
          Reasons.BACKFILL_FAILED,
          Reasons.VERIFICATION_FAILED,
          Reasons.VERIFICATION_MISMATCH,
          Reasons.CONTRACT_IRREVERSIBLE,
          Reasons.EXPAND_NOT_VERIFIED,
          Reasons.CONSTRAINT_VIOLATED,
          Reasons.DUPLICATE_KEYS,
          Reasons.INDEX_BUILD_FAILED,
          Reasons.DDL_FAILED);

  private final EventRecorder recorder;

  MigrationEvents(KubernetesClient client) {
    this.recorder = new EventRecorder(client);
  }

  void onTransition(DatabaseMigration m, DatabaseMigrationStatus next) {
    var previous = m.getStatus();
    String before = previous == null ? null : reason(previous);
    String after = reason(next);
    boolean phaseChanged =
        previous == null || !Objects.equals(previous.getPhase(), next.getPhase());
    if (!phaseChanged && Objects.equals(before, after)) {
      return;
    }
    String message =
        Conditions.find(next.getConditions(), ConditionTypes.PROGRESSING)
            .map(c -> next.getPhase() + ": " + c.getMessage())
            .orElse(next.getPhase());
    if (WARNINGS.contains(after)) {
      recorder.warning(m, after, message);
    } else {
      recorder.normal(m, after, message);
    }
  }

  private static String reason(DatabaseMigrationStatus status) {
    return Conditions.find(status.getConditions(), ConditionTypes.PROGRESSING)
        .map(c -> c.getReason())
        .orElse(null);
  }
}
