package dev.dovetail.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.EventReason;
import dev.dovetail.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A transition records one Event of its reason's type; a reason outside the set records none. */
@EnableKubernetesMockClient(crud = true)
class TransitionEventsTest {
  KubernetesClient client;

  @Test
  void aTransitionRecordsTheEventOfItsReasonWithThatReasonsType() {
    var events = new TransitionEvents(client);
    var m = migration();
    events.onTransition(
        m,
        "Backfilling",
        progressing(Reasons.BACKFILL_RUNNING),
        "Failed",
        progressing(Reasons.BACKFILL_FAILED));
    events.onTransition(
        m,
        "Failed",
        progressing(Reasons.BACKFILL_FAILED),
        "Failed",
        progressing(Reasons.BACKFILL_FAILED));
    events.onTransition(
        m,
        "Expanding",
        progressing(Reasons.EXPANDING),
        "Verifying",
        progressing(Reasons.VERIFYING));

    List<Event> recorded = recorded();
    assertEquals(2, recorded.size(), "no Event when neither phase nor reason changed");
    var failed = recorded.stream().filter(e -> e.getReason().equals("BackfillFailed")).findFirst();
    assertEquals("Warning", failed.orElseThrow().getType());
    assertEquals(EventReason.BACKFILL_FAILED.type().name(), failed.get().getType());
    assertEquals("Failed: because", failed.get().getMessage());
    var verifying = recorded.stream().filter(e -> e.getReason().equals("Verifying")).findFirst();
    assertEquals("Normal", verifying.orElseThrow().getType());
  }

  @Test
  void aProgressingReasonOutsideTheClosedSetRecordsNothing() {
    var events = new TransitionEvents(client);
    events.onTransition(migration(), null, null, "Expanded", progressing(Reasons.HEALTHY));
    events.onTransition(migration(), null, null, "Expanded", progressing("SomethingNew"));
    assertEquals(List.of(), recorded());
  }

  private List<Event> recorded() {
    return client.v1().events().inNamespace("ns").list().getItems();
  }

  private static List<Condition> progressing(String reason) {
    return List.of(Conditions.of(ConditionTypes.PROGRESSING, true, reason, "because", 1L));
  }

  private static DatabaseMigration migration() {
    var m = new DatabaseMigration();
    m.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("ns").withUid("u1").build());
    return m;
  }
}
