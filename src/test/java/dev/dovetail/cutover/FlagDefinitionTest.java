package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FlagDefinitionTest {
  static final String KEY = "move-shop";
  static final List<String> USERS = IntStream.range(0, 5000).mapToObj(i -> "user-" + i).toList();

  @Test
  void murmur3MatchesTheReferenceVectors() {
    // Published test vectors of MurmurHash3_x86_32 (SMHasher), seed 0 unless noted.
    assertEquals(0, FlagdFractional.murmur3x86_32(new byte[0], 0));
    assertEquals(0x514E28B7, FlagdFractional.murmur3x86_32(new byte[0], 1));
    assertEquals(0x248BFA47, FlagdFractional.murmur3x86_32(bytes("hello"), 0));
    assertEquals(
        0x2E4FF723,
        FlagdFractional.murmur3x86_32(bytes("The quick brown fox jumps over the lazy dog"), 0));
  }

  @Test
  void usersOnTheTargetAtTenPercentAreStillThereAtFiftyAndAtHundred() throws Exception {
    List<String> onTargetAt10 = onTarget(10);
    List<String> onTargetAt50 = onTarget(50);
    // About 10% and 50% of 5000 keys (the hash is uniform; generous bounds, no exact count).
    assertTrue(onTargetAt10.size() > 350 && onTargetAt10.size() < 650, "" + onTargetAt10.size());
    assertTrue(onTargetAt50.size() > 2250 && onTargetAt50.size() < 2750, "" + onTargetAt50.size());
    assertTrue(onTargetAt50.containsAll(onTargetAt10), "a user at 10% left the target at 50%");
    assertTrue(onTarget(1).stream().allMatch(onTargetAt10::contains));
    assertEquals(USERS.size(), onTarget(100).size());
    assertEquals(0, onTarget(0).size());
  }

  @Test
  void theDefinitionHasPlainKeysAndTheFlagdShape() throws Exception {
    var data = FlagDefinition.data(KEY, 10, WriteTarget.Source);
    assertEquals("10", data.get("readFromTargetPercent"));
    assertEquals("Source", data.get("writeTarget"));
    var flags = new ObjectMapper().readTree(data.get("flagd.json")).path("flags");
    var reads = flags.path(KEY);
    assertEquals("ENABLED", reads.path("state").asText());
    assertEquals("source", reads.path("defaultVariant").asText());
    var fractional = reads.path("targeting").path("fractional");
    assertEquals("target", fractional.get(1).get(0).asText());
    assertEquals(10, fractional.get(1).get(1).asInt());
    assertEquals("source", fractional.get(2).get(0).asText());
    assertEquals(90, fractional.get(2).get(1).asInt());
    assertEquals("source", flags.path(KEY + "-write-target").path("defaultVariant").asText());
    var writes = FlagDefinition.data(KEY, 100, WriteTarget.Target);
    assertEquals(
        "target",
        FlagdFractional.evaluate(writes.get("flagd.json"), KEY + "-write-target", "anyone"));
  }

  private static List<String> onTarget(int percent) throws Exception {
    String flagd = FlagDefinition.flagd(KEY, percent, WriteTarget.Source);
    var result = new ArrayList<String>();
    for (String u : USERS) {
      String variant = FlagdFractional.evaluate(flagd, KEY, u);
      assertTrue(variant.equals("target") || variant.equals("source"), variant);
      if (variant.equals("target")) {
        result.add(u);
      }
    }
    return result;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
