package dev.dovetail.worker;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.cutover.CutoverNames;
import dev.dovetail.postgres.cutover.QualifiedTable;
import dev.dovetail.postgres.cutover.TableCompare;
import dev.dovetail.postgres.cutover.VerificationRound;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The DualWriteCutover compare Job: one verification round over the cutover's tables (see {@link
 * TableCompare}), recorded on the target. Differences are a result, not a failure: the Job succeeds
 * once the round is recorded, whatever it found.
 */
final class CompareWorker {
  private static final Logger LOG = Logger.getLogger(CompareWorker.class);
  private static final int SAMPLE_KEYS = 10;

  private final Map<String, String> env;

  CompareWorker(Map<String, String> env) {
    this.env = env;
  }

  int run() throws Exception {
    PgUri source = PgUri.parse(WorkerMain.required(env, "DOVETAIL_SOURCE_URI"));
    PgUri target = PgUri.parse(WorkerMain.required(env, "DOVETAIL_TARGET_URI"));
    var names =
        CutoverNames.of(
            WorkerMain.required(env, "DOVETAIL_CUTOVER_NAMESPACE"),
            WorkerMain.required(env, "DOVETAIL_CUTOVER_NAME"));
    List<QualifiedTable> tables = tables(WorkerMain.required(env, "DOVETAIL_TABLES"));
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("environment variable DOVETAIL_TABLES names no table");
    }
    String mode = env.getOrDefault("DOVETAIL_SYNC_MODE", "LogicalReplication");
    if (!mode.equals("LogicalReplication") && !mode.equals("ApplicationDualWrite")) {
      throw new IllegalArgumentException(
          "environment variable DOVETAIL_SYNC_MODE must be LogicalReplication or"
              + " ApplicationDualWrite");
    }
    int chunk = positive("DOVETAIL_CHUNK_SIZE", env.getOrDefault("DOVETAIL_CHUNK_SIZE", "10000"));
    boolean repair = Boolean.parseBoolean(env.getOrDefault("DOVETAIL_REPAIR", "true"));
    VerificationRound round =
        new TableCompare(
                source,
                target,
                names,
                TableCompare.Options.of(chunk, repair, mode.equals("LogicalReplication")))
            .run(tables);
    LOG.infof(
        "compare round %d of %d table(s) from %s to %s: %d rows in %d chunk(s), %d missing"
            + " row(s) repaired, %d differing%s",
        round.round(),
        tables.size(),
        source.redacted(),
        target.redacted(),
        round.rowsCompared(),
        round.chunks(),
        round.missingRepaired(),
        round.differing(),
        round.differingKeys().isEmpty()
            ? ""
            : " (first: "
                + String.join(
                    ", ",
                    round
                        .differingKeys()
                        .subList(0, Math.min(SAMPLE_KEYS, round.differingKeys().size())))
                + ")");
    return 0;
  }

  static List<QualifiedTable> tables(String list) {
    return Arrays.stream(list.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(QualifiedTable::parse)
        .toList();
  }

  private static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "environment variable " + name + " must be a positive integer");
  }
}
