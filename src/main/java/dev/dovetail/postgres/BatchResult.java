package dev.dovetail.postgres;

import java.time.Duration;

/**
 * One committed backfill batch.
 *
 * @param lastKey the highest key the batch covered (the new checkpoint); null at the end
 * @param rowsScanned rows in the key range of the batch; 0 at the end of the table
 * @param rowsUpdated rows that were out of sync and were written
 */
public record BatchResult(String lastKey, long rowsScanned, long rowsUpdated, Duration elapsed) {
  public boolean endOfTable() {
    return rowsScanned == 0;
  }
}
