package dev.dovetail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A pgbench client workload running a custom script in the background, logging every transaction
 * (--log), so its TPS and latency can be read for any time window afterwards: a window is the
 * transactions that <em>started</em> in it, so one held up by a lock counts with its full wait.
 */
final class Pgbench {
  static final String BIN = "/usr/bin/pgbench";

  private final Path dir;
  private final Process process;

  /**
   * @param databaseUri libpq URI of the database the script runs in
   * @param script the pgbench script text
   * @param variables -D name=value pairs
   */
  Pgbench(String databaseUri, String script, int clients, int seconds, List<String> variables)
      throws IOException {
    dir = Files.createTempDirectory("dovetail-bench-pgbench");
    Path scriptFile = dir.resolve("workload.sql");
    Files.writeString(scriptFile, script);
    var cmd =
        new ArrayList<>(
            List.of(
                BIN,
                "-n",
                "-c",
                String.valueOf(clients),
                "-j",
                String.valueOf(Math.min(clients, 2)),
                "-T",
                String.valueOf(seconds),
                "-f",
                scriptFile.toString(),
                "-l",
                "--log-prefix=" + dir.resolve("tx")));
    for (String v : variables) {
      cmd.add("-D");
      cmd.add(v);
    }
    cmd.add(databaseUri);
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("pgbench.out").toFile())
            .start();
  }

  /** Waits for pgbench to end and returns every logged transaction. */
  List<Transaction> finish() throws IOException, InterruptedException {
    int code = process.waitFor();
    if (code != 0) {
      throw new IllegalStateException(
          "pgbench exited " + code + ": " + Files.readString(dir.resolve("pgbench.out")));
    }
    var txs = new ArrayList<Transaction>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("tx")).toList()) {
        for (String line : Files.readAllLines(f)) {
          // client_id transaction_no latency_us script_no epoch_s epoch_us
          String[] p = line.trim().split("\\s+");
          long latencyMicros = Long.parseLong(p[2]);
          long endMicros = Long.parseLong(p[4]) * 1_000_000 + Long.parseLong(p[5]);
          txs.add(new Transaction(endMicros - latencyMicros, latencyMicros));
        }
      }
    }
    return txs;
  }

  /** Stops pgbench if it is still running and removes its files. */
  void cleanUp() throws IOException {
    process.destroy();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  record Transaction(long startMicros, long latencyMicros) {}

  /** TPS and latency of the transactions that started in [fromMillis, toMillis). */
  record WindowStats(
      double seconds, long transactions, double tps, double p50Ms, double p99Ms, double maxMs) {
    static WindowStats of(List<Transaction> all, long fromMillis, long toMillis) {
      long[] latencies =
          all.stream()
              .filter(
                  t -> t.startMicros() >= fromMillis * 1000 && t.startMicros() < toMillis * 1000)
              .mapToLong(Transaction::latencyMicros)
              .sorted()
              .toArray();
      double seconds = (toMillis - fromMillis) / 1000.0;
      if (latencies.length == 0) {
        return new WindowStats(seconds, 0, 0, Double.NaN, Double.NaN, Double.NaN);
      }
      return new WindowStats(
          seconds,
          latencies.length,
          latencies.length / seconds,
          percentile(latencies, 0.50) / 1000.0,
          percentile(latencies, 0.99) / 1000.0,
          latencies[latencies.length - 1] / 1000.0);
    }

    private static long percentile(long[] sorted, double q) {
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }
}
