package dev.dovetail.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Kubernetes-convention conditions: lastTransitionTime moves only when the status flips. */
public final class Conditions {
  private Conditions() {}

  public static Condition of(
      String type, boolean status, String reason, String message, Long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .build();
  }

  /**
   * The desired conditions in their order, each keeping the previous lastTransitionTime when the
   * same type had the same status, else stamped {@code now}.
   */
  public static List<Condition> merge(
      List<Condition> previous, List<Condition> desired, Instant now) {
    var merged = new ArrayList<Condition>();
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    for (Condition d : desired) {
      var copy = new ConditionBuilder(d).build();
      copy.setLastTransitionTime(
          find(previous, d.getType())
              .filter(
                  p ->
                      Objects.equals(p.getStatus(), d.getStatus())
                          && p.getLastTransitionTime() != null)
              .map(Condition::getLastTransitionTime)
              .orElse(stamp));
      merged.add(copy);
    }
    return merged;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
