package dev.dovetail.kube;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Event per user-visible transition of a resource: its phase or its Progressing reason changed.
 * The Event's reason is the condition reason, from the closed set in {@code Reasons}; the reasons a
 * person must look at are Warnings.
 */
public final class TransitionEvents {
  private final EventRecorder recorder;
  private final Set<String> warnings;

  public TransitionEvents(KubernetesClient client, Set<String> warnings) {
    this.recorder = new EventRecorder(client);
    this.warnings = warnings;
  }

  /**
   * @param before phase and conditions of the previous status (null phase: no status yet)
   */
  public void onTransition(
      HasMetadata obj,
      String phaseBefore,
      List<Condition> before,
      String phaseAfter,
      List<Condition> after) {
    String reasonBefore = before == null ? null : reason(before);
    String reasonAfter = reason(after);
    boolean phaseChanged = phaseBefore == null || !Objects.equals(phaseBefore, phaseAfter);
    if (!phaseChanged && Objects.equals(reasonBefore, reasonAfter)) {
      return;
    }
    String message =
        Conditions.find(after, ConditionTypes.PROGRESSING)
            .map(c -> phaseAfter + ": " + c.getMessage())
            .orElse(phaseAfter);
    if (warnings.contains(reasonAfter)) {
      recorder.warning(obj, reasonAfter, message);
    } else {
      recorder.normal(obj, reasonAfter, message);
    }
  }

  /** A progress report within one phase (e.g. a backfill passing a quarter of the table). */
  public void progress(HasMetadata obj, String reason, String message) {
    recorder.normal(obj, reason, message);
  }

  private static String reason(List<Condition> conditions) {
    return Conditions.find(conditions, ConditionTypes.PROGRESSING)
        .map(Condition::getReason)
        .orElse(null);
  }
}
