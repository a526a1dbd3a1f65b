package dev.dovetail.worker;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.cutover.CutoverNames;
import dev.dovetail.postgres.cutover.QualifiedTable;
import dev.dovetail.postgres.cutover.TableCopy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The DualWriteCutover copy Job: creates the replication slot and copies every table from its
 * snapshot (see {@link TableCopy}). Configured by the environment only; the URIs come from Secrets.
 */
final class CopyWorker {
  private static final Logger LOG = Logger.getLogger(CopyWorker.class);

  private final Map<String, String> env;

  CopyWorker(Map<String, String> env) {
    this.env = env;
  }

  int run() throws Exception {
    PgUri source = PgUri.parse(WorkerMain.required(env, "DOVETAIL_SOURCE_URI"));
    PgUri target = PgUri.parse(WorkerMain.required(env, "DOVETAIL_TARGET_URI"));
    var names =
        CutoverNames.of(
            WorkerMain.required(env, "DOVETAIL_CUTOVER_NAMESPACE"),
            WorkerMain.required(env, "DOVETAIL_CUTOVER_NAME"));
    List<QualifiedTable> tables =
        Arrays.stream(WorkerMain.required(env, "DOVETAIL_TABLES").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(QualifiedTable::parse)
            .toList();
    int parallelism = Integer.parseInt(env.getOrDefault("DOVETAIL_COPY_PARALLELISM", "2"));
    long chunk = Long.parseLong(env.getOrDefault("DOVETAIL_CHUNK_SIZE", "10000"));
    var result =
        new TableCopy(source, target, names, parallelism, chunk)
            .run(
                tables,
                (table, range, rows) ->
                    LOG.debugf("copied %s range %d: %d rows", table, range, rows));
    LOG.infof(
        "copy of %d table(s) from %s to %s done: %d rows in %d range(s), %d range(s) kept on resume",
        tables.size(),
        source.redacted(),
        target.redacted(),
        result.rowsCopied(),
        result.rangesCopied(),
        result.rangesKeptOnResume());
    return 0;
  }
}
