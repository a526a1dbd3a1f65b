package dev.dovetail.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * flagd's fractional evaluation, rebuilt in test code from flagd's source (core/pkg/evaluator/
 * fractional.go) so the published flag definition can be evaluated here as flagd would: the bucket
 * key is {@code cat(flagKey, targetingKey)}; {@code hash = int32(murmur3.StringSum32)} (32-bit
 * murmur3, seed 0, over the UTF-8 bytes); {@code bucket = |hash| / MaxInt32 * 100}; the variants
 * are walked in the order written, each adding {@code weight * 100 / totalWeight} to the range end,
 * and the first whose range end is above the bucket wins.
 */
final class FlagdFractional {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FlagdFractional() {}

  /** Evaluates flag {@code flagKey} of a flagd definition for one targeting key. */
  static String evaluate(String flagdJson, String flagKey, String targetingKey) throws Exception {
    JsonNode flag = JSON.readTree(flagdJson).path("flags").path(flagKey);
    JsonNode fractional = flag.path("targeting").path("fractional");
    if (fractional.isMissingNode()) {
      return flag.path("defaultVariant").asText();
    }
    // First element: the bucket-by expression; this evaluator supports the cat of two vars the
    // definition uses (and fails loudly on anything else rather than guess).
    JsonNode cat = fractional.get(0).path("cat");
    StringBuilder key = new StringBuilder();
    for (JsonNode part : cat) {
      String var = part.path("var").asText();
      key.append(
          switch (var) {
            case "$flagd.flagKey" -> flagKey;
            case "targetingKey" -> targetingKey;
            default -> throw new IllegalArgumentException("unsupported var " + var);
          });
    }
    List<String> variants = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    int total = 0;
    for (int i = 1; i < fractional.size(); i++) {
      variants.add(fractional.get(i).get(0).asText());
      int w = fractional.get(i).size() >= 2 ? fractional.get(i).get(1).asInt() : 1;
      weights.add(w);
      total += w;
    }
    int hash = murmur3x86_32(key.toString().getBytes(StandardCharsets.UTF_8), 0);
    double bucket = Math.abs((double) hash) / Integer.MAX_VALUE * 100;
    double rangeEnd = 0;
    for (int i = 0; i < variants.size(); i++) {
      rangeEnd += weights.get(i) * 100.0 / total;
      if (bucket < rangeEnd) {
        return variants.get(i);
      }
    }
    return "";
  }

  /** MurmurHash3 x86 32-bit (Austin Appleby's reference), as spaolacci/murmur3's Sum32. */
  static int murmur3x86_32(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k =
          (data[4 * i] & 0xff)
              | (data[4 * i + 1] & 0xff) << 8
              | (data[4 * i + 2] & 0xff) << 16
              | (data[4 * i + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int k1 = 0;
    switch (data.length & 3) {
      case 3:
        k1 ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k1 ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k1 ^= data[tail] & 0xff;
        k1 *= c1;
        k1 = Integer.rotateLeft(k1, 15);
        k1 *= c2;
        h ^= k1;
        // fall through
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
