package dev.dovetail;

import dev.dovetail.worker.WorkerMain;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.List;

/**
 * One image, two commands: with no arguments the operator runs; with a worker role as the first
 * argument (backfill, verify) the process runs that Job's work and exits with its code. Worker Jobs
 * also set QUARKUS_OPERATOR_SDK_START_OPERATOR=false so no controller starts inside them.
 */
@QuarkusMain
public class DovetailMain implements QuarkusApplication {

  public static void main(String... args) {
    Quarkus.run(DovetailMain.class, args);
  }

  @Override
  public int run(String... args) {
    if (args.length > 0 && WorkerMain.ROLES.contains(args[0])) {
      return WorkerMain.run(List.of(args), System.getenv());
    }
    Quarkus.waitForExit();
    return 0;
  }
}
