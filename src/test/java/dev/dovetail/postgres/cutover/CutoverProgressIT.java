package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's reads of the workers' bookkeeping on the target: copy progress and the latest
 * finished verification round, only of this cutover, and nothing (not an error) before the tables
 * exist.
 */
class CutoverProgressIT {
  private TestDatabase source;
  private TestDatabase target;
  private CutoverNames names;
  private CutoverDatabase cutover;

  @BeforeEach
  void databases() throws Exception {
    source = TestPostgres.newPrimaryDatabase();
    target = TestPostgres.newTargetDatabase();
    names = CutoverNames.of("shop", "progress-" + source.name());
    cutover = CutoverDatabase.open(source.uri(), target.uri(), names);
  }

  @AfterEach
  void close() {
    cutover.close();
    target.close();
    source.close();
  }

  @Test
  void beforeTheBookkeepingTablesExistNothingIsReported() throws Exception {
    assertEquals(Optional.empty(), cutover.latestVerification());
    assertEquals(new CopyProgress(0, 0, 0), cutover.copyProgress());
    cutover.ensureBookkeeping();
    assertEquals(Optional.empty(), cutover.latestVerification());
    assertEquals(new CopyProgress(0, 0, 0), cutover.copyProgress());
  }

  @Test
  void copyProgressCountsDoneRangesAndTheirRowsOfThisCutoverOnly() throws Exception {
    cutover.ensureBookkeeping();
    String key = names.key();
    target.execute(
        "INSERT INTO dovetail.cutover_copy_ranges VALUES"
            + " ('"
            + key
            + "', 'public.orders', 0, NULL, '100', 100, now()),"
            + " ('"
            + key
            + "', 'public.orders', 1, '100', NULL, NULL, NULL),"
            + " ('"
            + key
            + "', 'public.customers', 0, NULL, NULL, 42, now()),"
            + " ('other-cutover', 'public.orders', 0, NULL, NULL, 999, now())");
    assertEquals(new CopyProgress(2, 3, 142), cutover.copyProgress());
  }

  @Test
  void latestVerificationIsTheNewestFinishedRoundOfThisCutover() throws Exception {
    cutover.ensureBookkeeping();
    String key = names.key();
    target.execute(
        "INSERT INTO dovetail.cutover_verification VALUES"
            + " ('"
            + key
            + "', 1, '2026-01-01 10:00Z', '2026-01-01 10:05Z', 10, 1000, 0, 0, '{}', '0/1'),"
            + " ('"
            + key
            + "', 2, '2026-01-01 11:00Z', '2026-01-01 11:05Z', 12, 1200, 3, 2,"
            + " '{public.orders:7,\"public.pairs:(1,a)\"}', '0/2'),"
            // round 3 is still running: not a result yet
            + " ('"
            + key
            + "', 3, '2026-01-01 12:00Z', NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
            + " ('other-cutover', 9, '2026-01-02 10:00Z', '2026-01-02 10:01Z', 1, 1, 0, 0,"
            + " '{}', NULL)");
    VerificationRound round = cutover.latestVerification().orElseThrow();
    assertEquals(
        new VerificationRound(
            2,
            Instant.parse("2026-01-01T11:00:00Z"),
            Instant.parse("2026-01-01T11:05:00Z"),
            12,
            1200,
            3,
            2,
            List.of("public.orders:7", "public.pairs:(1,a)")),
        round);

    target.execute(
        "UPDATE dovetail.cutover_verification SET finished_at = '2026-01-01 12:01Z', chunks = 1,"
            + " rows_compared = 5, missing_repaired = 0, differing = 0, differing_keys = '{}'"
            + " WHERE cutover = '"
            + key
            + "' AND round = 3");
    VerificationRound third = cutover.latestVerification().orElseThrow();
    assertEquals(3, third.round());
    assertTrue(third.differingKeys().isEmpty());
  }
}
