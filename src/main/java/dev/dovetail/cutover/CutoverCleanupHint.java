package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.postgres.cutover.CutoverNames;

/** The names of what a cutover creates, for a person who has to drop them by hand. */
final class CutoverCleanupHint {
  private CutoverCleanupHint() {}

  static String of(DualWriteCutover cutover) {
    var n = CutoverNames.of(cutover.getMetadata().getNamespace(), cutover.getMetadata().getName());
    return "on the target subscription "
        + n.subscription()
        + " and publication "
        + n.reversePublication()
        + "; on the source publication "
        + n.publication()
        + ", slot "
        + n.slot()
        + " and subscription "
        + n.reverseSubscription()
        + "; the write-guard triggers "
        + n.writeGuardTrigger()
        + " on the moved tables";
  }
}
