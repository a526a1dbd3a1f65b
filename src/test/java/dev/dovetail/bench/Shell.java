package dev.dovetail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs shell pipelines of the PostgreSQL client tools (pipefail on: any stage failing fails). */
final class Shell {
  /** The client tools of the installed server (pg_config may belong to a newer libpq). */
  static final String BIN = dev.dovetail.testing.PgClientTools.BIN;

  private Shell() {}

  static String tool(String name) {
    return quote(BIN + "/" + name);
  }

  /** Single-quotes a word for bash. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** Runs {@code pipeline} in bash and returns the seconds it took; fails with its output. */
  static double time(String pipeline) throws IOException, InterruptedException {
    Path out = Files.createTempFile("dovetail-bench", ".out");
    try {
      long t0 = System.nanoTime();
      var p =
          new ProcessBuilder(List.of("bash", "-o", "pipefail", "-c", pipeline))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      int code = p.waitFor();
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (code != 0) {
        throw new IllegalStateException(
            "exit " + code + " from: " + pipeline + "\n" + Files.readString(out));
      }
      return seconds;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
