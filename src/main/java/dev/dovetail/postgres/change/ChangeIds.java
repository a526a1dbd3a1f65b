package dev.dovetail.postgres.change;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Operation identities: 10 hex characters of SHA-256 over the kind and its fields. They name the
 * operator's triggers and functions and key the bookkeeping rows, so they must never change for the
 * same spec.
 */
final class ChangeIds {
  private ChangeIds() {}

  static String of(String kind, String... fields) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update(kind.getBytes(StandardCharsets.UTF_8));
      for (String field : fields) {
        digest.update((byte) 0);
        digest.update(field.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
