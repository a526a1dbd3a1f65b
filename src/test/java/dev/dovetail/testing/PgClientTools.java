package dev.dovetail.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where this machine's PostgreSQL client tools are (pg_dump, pg_restore, psql): {@code pg_config
 * --bindir}, else the newest Debian {@code /usr/lib/postgresql/<n>/bin}. The in-process kubelet
 * gives worker pods this pg_dump, as the image puts its own on the PATH.
 */
public final class PgClientTools {
  public static final String BIN = findBin();

  private PgClientTools() {}

  public static String tool(String name) {
    return BIN + "/" + name;
  }

  private static String findBin() {
    try {
      var p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String dir = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor() == 0 && Files.isExecutable(Path.of(dir, "pg_dump"))) {
        return dir;
      }
    } catch (IOException e) {
      // fall through to the Debian layout
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
      return dirs.map(d -> d.resolve("bin"))
          .filter(d -> Files.isExecutable(d.resolve("pg_dump")))
          .map(Path::toString)
          .sorted()
          .reduce((a, b) -> b)
          .orElseThrow(() -> new IllegalStateException("no pg_dump found"));
    } catch (IOException e) {
      throw new IllegalStateException("no PostgreSQL client tools found", e);
    }
  }
}
