package dev.dovetail.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The index size arithmetic of the estimate, checked by hand. */
class SpaceEstimateTest {

  @Test
  void indexBytesCountLeafPagesPlusTheMetapage() {
    // key width 12: MAXALIGN(8 + 12) = 24, + 4-byte line pointer = 28 bytes per entry;
    // floor(8152 × 0.9 / 28) = 262 entries per leaf; 20000 rows → 77 leaves, + metapage = 78 pages.
    assertEquals(78L * 8192, SpaceEstimate.indexBytes(20_000, 12));
  }

  @Test
  void anEmptyTableStillHasARootAndTheMetapage() {
    assertEquals(2L * 8192, SpaceEstimate.indexBytes(0, 8));
  }

  @Test
  void humanSizesUseBinaryUnits() {
    assertEquals("512 B", SpaceEstimate.human(512));
    assertEquals("1.5 KiB", SpaceEstimate.human(1536));
    assertEquals("1.2 MiB", SpaceEstimate.human(1_236_992));
  }
}
