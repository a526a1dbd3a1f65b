package dev.dovetail.kube;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.EventReason;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * One Event per user-visible transition of a resource: its phase or its Progressing reason changed.
 * The Event's reason is the Progressing condition's reason, which must be one of {@link
 * EventReason} (its type says Normal or Warning); a condition reason outside that set is refused:
 * logged as an error, no Event recorded.
 */
public final class TransitionEvents {
  private static final Logger LOG = Logger.getLogger(TransitionEvents.class);

  private final EventRecorder recorder;

  public TransitionEvents(KubernetesClient client) {
    this.recorder = new EventRecorder(client);
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
    EventReason.of(reasonAfter)
        .ifPresentOrElse(
            event -> recorder.record(obj, event, message),
            () ->
                LOG.errorf(
                    "no Event for %s: Progressing reason %s is not an EventReason (%s)",
                    obj.getMetadata().getName(), reasonAfter, message));
  }

  /** A progress report within one phase (e.g. a backfill passing a quarter of the table). */
  public void progress(HasMetadata obj, EventReason reason, String message) {
    recorder.record(obj, reason, message);
  }

  private static String reason(List<Condition> conditions) {
    return Conditions.find(conditions, ConditionTypes.PROGRESSING)
        .map(Condition::getReason)
        .orElse(null);
  }
}
