package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Points at a Secret key holding a libpq connection URI (postgresql://user:pass@host:port/db). */
public class DatabaseRef {

  @Required
  @JsonPropertyDescription(
      "Secret key whose value is a libpq URI such as postgresql://user:password@host:5432/app."
          + " The credentials never leave the Secret: Jobs receive it through secretKeyRef.")
  private SecretKeyRef secretRef;

  public DatabaseRef() {}

  public DatabaseRef(SecretKeyRef secretRef) {
    this.secretRef = secretRef;
  }

  public SecretKeyRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyRef secretRef) {
    this.secretRef = secretRef;
  }
}
