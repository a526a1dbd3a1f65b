package dev.dovetail.postgres.cutover;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic names of what a cutover creates in the databases. Each is a valid unquoted
 * PostgreSQL name (lowercase letters, digits, underscores, at most 63 bytes) derived from the
 * resource's namespace and name, with a hash so that two resources never share a slot even when
 * their names only differ in characters that are replaced.
 */
public record CutoverNames(String id) {
  private static final int READABLE = 36;

  public static CutoverNames of(String namespace, String name) {
    String readable =
        (namespace + "_" + name).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (readable.length() > READABLE) {
      readable = readable.substring(0, READABLE);
    }
    return new CutoverNames("dovetail_" + readable + "_" + hash(namespace + "/" + name));
  }

  /** The key of this cutover in the bookkeeping tables. */
  public String key() {
    return id;
  }

  public String slot() {
    return id;
  }

  public String publication() {
    return id + "_pub";
  }

  public String subscription() {
    return id + "_sub";
  }

  public String reverseSlot() {
    return id + "_rev";
  }

  public String reversePublication() {
    return id + "_rpub";
  }

  public String reverseSubscription() {
    return id + "_rsub";
  }

  /** The write-guard triggers on the side that no longer takes writes, and their function. */
  public String writeGuardTrigger() {
    return id + "_guard";
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
