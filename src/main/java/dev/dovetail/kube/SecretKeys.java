package dev.dovetail.kube;

import dev.dovetail.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads one key of a Secret. Messages name the field and the Secret, never the value. */
public final class SecretKeys {
  private SecretKeys() {}

  /**
   * @param field the spec field that names the Secret, for messages (e.g. spec.database.secretRef)
   * @throws IllegalStateException when the Secret or the key is missing
   */
  public static String read(
      KubernetesClient client, String namespace, SecretKeyRef ref, String field) {
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null) {
      throw new IllegalStateException(
          field + ": Secret " + ref.getName() + " not found in namespace " + namespace);
    }
    String key = ref.getKey() == null ? "uri" : ref.getKey();
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
              Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8)
          .trim();
    }
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key).trim();
    }
    throw new IllegalStateException(field + ": Secret " + ref.getName() + " has no key " + key);
  }
}
