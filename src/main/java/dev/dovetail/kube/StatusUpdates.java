package dev.dovetail.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.function.UnaryOperator;

/**
 * Writes a resource's status as a whole. JOSDK's non-SSA {@code patchStatus} sends a JSON Patch
 * computed against the informer's copy, without a resourceVersion; when that copy is older than the
 * server's (the previous pass's patch has not come back through the watch yet), its index-based
 * list operations land on a different list and condition types end up twice. Here the status is
 * replaced under optimistic locking (re-read and re-applied on conflict), and the result is cached
 * so that the next pass reads what this one wrote.
 */
public final class StatusUpdates {
  private StatusUpdates() {}

  /**
   * @param setStatus puts the new status on the copy it is given and returns it; may run more than
   *     once, on fresher copies, after a conflict
   */
  public static <P extends HasMetadata> P replace(
      P primary, Context<P> context, UnaryOperator<P> setStatus) {
    return PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(primary, context, setStatus);
  }
}
