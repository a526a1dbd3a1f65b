package dev.dovetail.kube;

import dev.dovetail.api.v1alpha1.EventReason;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * core/v1 Events for `kubectl describe`. The reason is one of the closed set {@link EventReason},
 * which also fixes the Event's type. Recording an Event never fails a reconcile.
 */
public final class EventRecorder {
  public static final String COMPONENT = "dovetail-operator";
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void record(HasMetadata obj, EventReason event, String message) {
    String reason = event.reason();
    Instant now = Instant.now();
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    try {
      client
          .v1()
          .events()
          .inNamespace(obj.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(obj.getMetadata().getName() + "." + suffix)
                  .withNamespace(obj.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(obj.getApiVersion())
                  .withKind(obj.getKind())
                  .withName(obj.getMetadata().getName())
                  .withNamespace(obj.getMetadata().getNamespace())
                  .withUid(obj.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(event.type().name())
                  .withReason(reason)
                  .withMessage(
                      message == null
                          ? ""
                          : message.length() > 1024 ? message.substring(0, 1024) : message)
                  .withFirstTimestamp(ts)
                  .withLastTimestamp(ts)
                  .withEventTime(new MicroTime(now.toString()))
                  .withCount(1)
                  .withReportingComponent(COMPONENT)
                  .withReportingInstance(COMPONENT)
                  .withAction(reason)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .build())
          .create();
    } catch (RuntimeException e) {
      LOG.debugf(
          "event %s for %s not recorded: %s", reason, obj.getMetadata().getName(), e.getMessage());
    }
  }
}
