package dev.dovetail.postgres;

import java.time.Instant;
import java.util.List;

/**
 * One verification run over one operation's table.
 *
 * @param rowsMissing rows whose new side is still NULL while the old side is not
 * @param rowsDiffering rows whose new side differs from the conversion of the old side
 * @param sampleKeys a few primary keys of such rows
 */
public record VerificationRecord(
    String operationId,
    String job,
    long rowsChecked,
    long rowsMissing,
    long rowsDiffering,
    List<String> sampleKeys,
    Instant finishedAt) {

  public boolean clean() {
    return rowsMissing == 0 && rowsDiffering == 0;
  }
}
