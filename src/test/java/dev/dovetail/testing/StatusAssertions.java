package dev.dovetail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;

/** Domain assertions on status conditions; a failure prints the whole status. */
public final class StatusAssertions {
  private StatusAssertions() {}

  public static void assertCondition(
      HasMetadata resource, String type, String status, String reason) {
    if (!matches(resource, type, status, reason)) {
      throw new AssertionError(
          "expected condition %s=%s reason %s on %s; status was:%n%s"
              .formatted(
                  type,
                  status,
                  reason,
                  resource == null ? "(absent)" : resource.getMetadata().getName(),
                  statusYaml(resource)));
    }
  }

  public static <T extends HasMetadata> T awaitCondition(
      KubernetesClient client,
      Class<T> kind,
      String namespace,
      String name,
      String type,
      String status,
      String reason,
      Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    T last = null;
    while (Instant.now().isBefore(deadline)) {
      last = client.resources(kind).inNamespace(namespace).withName(name).get();
      if (matches(last, type, status, reason)) {
        return last;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError(
        "%s/%s did not reach %s=%s reason %s within %s; last status:%n%s"
            .formatted(namespace, name, type, status, reason, timeout, statusYaml(last)));
  }

  private static boolean matches(HasMetadata resource, String type, String status, String reason) {
    if (resource == null) {
      return false;
    }
    JsonNode conditions =
        Serialization.jsonMapper().valueToTree(resource).path("status").path("conditions");
    assertUniqueTypes(resource, conditions);
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())
          && status.equals(c.path("status").asText())
          && (reason == null || reason.equals(c.path("reason").asText()))) {
        return true;
      }
    }
    return false;
  }

  /** Every status the tests look at, at every poll, has each condition type at most once. */
  private static void assertUniqueTypes(HasMetadata resource, JsonNode conditions) {
    var seen = new java.util.HashSet<String>();
    for (JsonNode c : conditions) {
      if (!seen.add(c.path("type").asText())) {
        throw new AssertionError(
            "condition type %s appears twice in the status of %s:%n%s"
                .formatted(
                    c.path("type").asText(),
                    resource.getMetadata().getName(),
                    statusYaml(resource)));
      }
    }
  }

  public static String statusYaml(HasMetadata resource) {
    if (resource == null) {
      return "(resource absent)";
    }
    return Serialization.asYaml(Serialization.jsonMapper().valueToTree(resource).path("status"));
  }

  /** Waits until the resource is gone (its finalizers done). */
  public static <T extends HasMetadata> void awaitGone(
      KubernetesClient client, Class<T> kind, String namespace, String name, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (client.resources(kind).inNamespace(namespace).withName(name).get() != null) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(namespace + "/" + name + " still exists after " + timeout);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
