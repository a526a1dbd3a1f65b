package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParentsFirstTest {
  private static final QualifiedTable A = QualifiedTable.parse("a");
  private static final QualifiedTable B = QualifiedTable.parse("b");
  private static final QualifiedTable C = QualifiedTable.parse("c");
  private static final QualifiedTable D = QualifiedTable.parse("app.d");
  private static final QualifiedTable OUTSIDE = QualifiedTable.parse("outside");

  private static ForeignKeyState key(QualifiedTable child, QualifiedTable parent) {
    return new ForeignKeyState(
        child.name() + "_fk", child.name() + "_fk", child, parent, ForeignKeyState.State.NotValid);
  }

  @Test
  void withoutKeysTheListedOrderStays() {
    assertEquals(List.of(C, A, B), ParentsFirst.order(List.of(C, A, B), List.of()));
  }

  @Test
  void aChildListedFirstComesAfterItsParent() {
    assertEquals(List.of(B, A, C), ParentsFirst.order(List.of(A, B, C), List.of(key(A, B))));
  }

  @Test
  void aChainComesRootFirstAndUnrelatedTablesKeepTheirPlaceAmongTheFree() {
    // d -> c -> b: b first; a is free from the start and listed before c, so it comes next.
    assertEquals(
        List.of(A, B, C, D),
        ParentsFirst.order(List.of(D, C, A, B), List.of(key(D, C), key(C, B))));
  }

  @Test
  void aTableWithTwoParentsComesAfterBoth() {
    assertEquals(
        List.of(B, C, A), ParentsFirst.order(List.of(A, B, C), List.of(key(A, C), key(A, B))));
  }

  @Test
  void selfReferencesAndKeysToTablesOutsideTheListOrderNothing() {
    assertEquals(
        List.of(A, B),
        ParentsFirst.order(List.of(A, B), List.of(key(A, A), key(B, OUTSIDE), key(OUTSIDE, A))));
  }

  @Test
  void aCycleKeepsTheListedOrderAndItsChildrenComeAfterIt() {
    // a <-> b is a cycle; c references a. Nothing is free, so a (listed first of the cycle) goes,
    // then b (its parent a is placed), then c.
    assertEquals(
        List.of(A, B, C),
        ParentsFirst.order(List.of(C, A, B), List.of(key(A, B), key(B, A), key(C, A))));
    assertEquals(
        List.of(B, A, C),
        ParentsFirst.order(List.of(C, B, A), List.of(key(A, B), key(B, A), key(C, A))));
  }

  @Test
  void aCycleWaitsForTheTablesItReferencesOutsideIt() {
    assertEquals(
        List.of(D, A, B),
        ParentsFirst.order(List.of(A, B, D), List.of(key(A, B), key(B, A), key(B, D))));
  }

  @Test
  void aTableListedTwiceIsWalkedOnce() {
    assertEquals(List.of(B, A), ParentsFirst.order(List.of(A, B, A), List.of(key(A, B))));
  }
}
