package dev.dovetail.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routing flag as ConfigMap data: plain keys for applications that read the ConfigMap, and a
 * flagd flag definition for those that evaluate flags through flagd/OpenFeature.
 *
 * <p>The read flag uses flagd's {@code fractional} on {@code $flagd.flagKey + targetingKey}. flagd
 * hashes that key to a bucket in [0, 100) and walks the variants in the order written, giving each
 * its share. With {@code target} first, a key is on the target exactly when its bucket is below P;
 * raising P only adds keys, so a user already reading from the target stays there. (With {@code
 * source} first, raising P would move the boundary away from zero and reshuffle.)
 */
public final class FlagDefinition {
  public static final String READ_PERCENT_KEY = "readFromTargetPercent";
  public static final String WRITE_TARGET_KEY = "writeTarget";
  public static final String FLAGD_KEY = "flagd.json";
  public static final String SOURCE = "source";
  public static final String TARGET = "target";

  /** Suffix of the second flagd flag, the (non-fractional) write target. */
  public static final String WRITE_FLAG_SUFFIX = "-write-target";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FlagDefinition() {}

  public static Map<String, String> data(String flagKey, int readPercent, WriteTarget writes) {
    var data = new LinkedHashMap<String, String>();
    data.put(READ_PERCENT_KEY, Integer.toString(readPercent));
    data.put(WRITE_TARGET_KEY, writes.name());
    data.put(FLAGD_KEY, flagd(flagKey, readPercent, writes));
    return data;
  }

  /** {"flags":{key:{...fractional...}, key-write-target:{...static...}}} */
  public static String flagd(String flagKey, int readPercent, WriteTarget writes) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode flags = root.putObject("flags");

    ObjectNode reads = flags.putObject(flagKey);
    reads.put("state", "ENABLED");
    variants(reads);
    reads.put("defaultVariant", SOURCE);
    ArrayNode fractional = reads.putObject("targeting").putArray("fractional");
    ArrayNode cat = fractional.addObject().putArray("cat");
    cat.addObject().put("var", "$flagd.flagKey");
    cat.addObject().put("var", "targetingKey");
    fractional.addArray().add(TARGET).add(readPercent);
    fractional.addArray().add(SOURCE).add(100 - readPercent);

    ObjectNode write = flags.putObject(flagKey + WRITE_FLAG_SUFFIX);
    write.put("state", "ENABLED");
    variants(write);
    write.put("defaultVariant", writes == WriteTarget.Target ? TARGET : SOURCE);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void variants(ObjectNode flag) {
    ObjectNode v = flag.putObject("variants");
    v.put(SOURCE, SOURCE);
    v.put(TARGET, TARGET);
  }
}
