package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CutoverNamesTest {
  @Test
  void namesAreValidDeterministicAndDistinct() {
    var long1 = CutoverNames.of("a-very-long-namespace-name", "x".repeat(200) + "-one");
    var long2 = CutoverNames.of("a-very-long-namespace-name", "x".repeat(200) + "-two");
    for (var names : List.of(long1, long2, CutoverNames.of("shop", "Move.Users"))) {
      for (String n :
          List.of(
              names.slot(),
              names.publication(),
              names.subscription(),
              names.reverseSlot(),
              names.reversePublication(),
              names.reverseSubscription())) {
        assertTrue(n.matches("[a-z_][a-z0-9_]{0,62}"), n);
      }
    }
    assertEquals(long1, CutoverNames.of("a-very-long-namespace-name", "x".repeat(200) + "-one"));
    assertNotEquals(long1.slot(), long2.slot(), "names that truncate alike still differ");
    assertNotEquals(CutoverNames.of("a", "b_c").slot(), CutoverNames.of("a_b", "c").slot());
  }
}
