package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverStatus;
import dev.dovetail.kube.Conditions;
import dev.dovetail.kube.StatusUpdates;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * DualWriteCutover's engine (copy, change capture, verification, gated cutover) is not in this
 * release. Rather than leave a resource silently ignored, the operator says so in its status: the
 * API is accepted and validated, nothing is done to either database.
 */
@ControllerConfiguration(name = DualWriteCutoverReconciler.NAME)
public class DualWriteCutoverReconciler implements Reconciler<DualWriteCutover> {
  public static final String NAME = "dualwritecutover";
  public static final String REASON_NOT_AVAILABLE = "EngineNotAvailable";

  @Override
  public UpdateControl<DualWriteCutover> reconcile(
      DualWriteCutover cutover, Context<DualWriteCutover> context) {
    Long generation = cutover.getMetadata().getGeneration();
    var previous = cutover.getStatus() == null ? new DualWriteCutoverStatus() : cutover.getStatus();
    var status = new DualWriteCutoverStatus();
    status.setObservedGeneration(generation);
    status.setPhase("Pending");
    String message =
        "the DualWriteCutover engine is not in this release of Dovetail; nothing was done to the"
            + " source or target database";
    status.setConditions(
        Conditions.merge(
            previous.getConditions(),
            List.of(
                Conditions.of(
                    ConditionTypes.READY, false, REASON_NOT_AVAILABLE, message, generation),
                Conditions.of(
                    ConditionTypes.PROGRESSING, false, REASON_NOT_AVAILABLE, message, generation)),
            Instant.now()));
    if (Objects.equals(status, cutover.getStatus())) {
      return UpdateControl.noUpdate();
    }
    StatusUpdates.replace(
        cutover,
        context,
        c -> {
          c.setStatus(status);
          return c;
        });
    return UpdateControl.noUpdate();
  }
}
