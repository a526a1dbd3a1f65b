package dev.dovetail;

import dev.dovetail.worker.WorkerMain;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One image, two commands: with no arguments the operator runs; with a worker role as the first
 * argument (backfill, verify) the process runs that Job's work and exits with its code. Worker Jobs
 * also set QUARKUS_OPERATOR_SDK_START_OPERATOR=false so no controller starts inside them.
 *
 * <p>The operator is started here, not by the Quarkus Operator SDK: its own start-up listener is
 * only installed when the application has no {@link QuarkusApplication} (a custom main) — with this
 * class present it would never start the controllers (HealthProbesIT shows they run).
 */
@QuarkusMain
public class DovetailMain implements QuarkusApplication {

  @Inject Operator operator;

  @ConfigProperty(name = "quarkus.operator-sdk.start-operator", defaultValue = "true")
  boolean startOperator;

  public static void main(String... args) {
    Quarkus.run(DovetailMain.class, args);
  }

  @Override
  public int run(String... args) {
    if (args.length > 0 && WorkerMain.ROLES.contains(args[0])) {
      return WorkerMain.run(List.of(args), System.getenv());
    }
    if (startOperator) {
      operator.start();
    }
    try {
      Quarkus.waitForExit();
    } finally {
      if (startOperator) {
        operator.stop();
      }
    }
    // Quarkus.asyncExit(code) (a lost Lease exits 1) stays the process' exit code; -1 is "none".
    return Math.max(0, ApplicationLifecycleManager.getExitCode());
  }
}
