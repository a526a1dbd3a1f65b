package dev.dovetail.kube;

import java.util.Map;

/** Labels and annotations on the objects Dovetail creates. */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "dovetail";
  public static final String OWNER = "dovetail.dev/owner";
  public static final String ROLE = "dovetail.dev/role";
  public static final String SPEC_HASH = "dovetail.dev/spec-hash";

  private Labels() {}

  public static Map<String, String> forChild(String ownerName, String role) {
    // Label values are limited to 63 characters; the name part of the Job name is cut the same way.
    String owner =
        ownerName.length() > 63 ? ownerName.substring(0, 63).replaceAll("[-.]+$", "") : ownerName;
    return Map.of(MANAGED_BY, MANAGED_BY_VALUE, OWNER, owner, ROLE, role);
  }
}
