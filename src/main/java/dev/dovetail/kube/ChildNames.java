package dev.dovetail.kube;

import java.util.Locale;

/** Deterministic names of the objects a resource owns: {@code <owner>-<role>-<hash>}. */
public final class ChildNames {
  static final int MAX = 63;

  private ChildNames() {}

  /** A DNS-1123 label of at most 63 characters; the owner part is cut, never the role or hash. */
  public static String job(String ownerName, String role, String specHash) {
    String suffix = "-" + role + "-" + specHash;
    String owner = ownerName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    int room = MAX - suffix.length();
    if (owner.length() > room) {
      owner = owner.substring(0, room);
    }
    owner = owner.replaceAll("-+$", "");
    return owner + suffix;
  }
}
