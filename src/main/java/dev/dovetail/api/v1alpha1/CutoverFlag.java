package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * Where the routing flag is published. Both default from the resource's name so that two cutovers
 * in one namespace never share a flag.
 */
public class CutoverFlag {

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "ConfigMap the flag is written to (plain keys and a flagd flag definition)."
          + " Default: <metadata.name>-flag.")
  private String configMapName;

  @Pattern("^[A-Za-z0-9][-_.A-Za-z0-9]*$")
  @Size(max = 128)
  @JsonPropertyDescription(
      "Key of the flag in the flagd definition; also salts the fractional split."
          + " Default: <metadata.name>.")
  private String flagKey;

  public String getConfigMapName() {
    return configMapName;
  }

  public void setConfigMapName(String configMapName) {
    this.configMapName = configMapName;
  }

  public String getFlagKey() {
    return flagKey;
  }

  public void setFlagKey(String flagKey) {
    this.flagKey = flagKey;
  }

  public String configMapNameOr(String resourceName) {
    return configMapName == null || configMapName.isBlank()
        ? resourceName + "-flag"
        : configMapName;
  }

  public String flagKeyOr(String resourceName) {
    return flagKey == null || flagKey.isBlank() ? resourceName : flagKey;
  }
}
