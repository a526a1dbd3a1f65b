package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RowKeyTest {
  @Test
  void reportsSingleKeysPlainAndCompositeKeysInParentheses() {
    var orders = QualifiedTable.parse("public.orders");
    assertEquals("public.orders:42", new RowKey(List.of("42")).report(orders));
    assertEquals(
        "app.pairs:(eu,7)",
        new RowKey(List.of("eu", "7")).report(QualifiedTable.parse("app.pairs")));
    assertEquals(new RowKey(List.of("eu", "7")), new RowKey(List.of("eu", "7")));
    assertNotEquals(new RowKey(List.of("eu", "7")), new RowKey(List.of("7", "eu")));
  }
}
