package dev.dovetail.worker;

import dev.dovetail.postgres.PgUri;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Entry point of worker Jobs: the operator's image run with a role as its first argument.
 * Configuration comes from the environment only: DOVETAIL_DATABASE_URI (from a Secret),
 * DOVETAIL_PLAN (JSON) and DOVETAIL_JOB_NAME (the run id).
 */
public final class WorkerMain {
  public static final Set<String> ROLES =
      Set.of("backfill", "verify", "copy", "compare", "snapshot");

  /** Exit code for a worker that could not start: bad arguments or environment. */
  public static final int USAGE = 2;

  private static final Logger LOG = Logger.getLogger(WorkerMain.class);

  private WorkerMain() {}

  /** Returns the process exit code: 0 done; non-zero failed (the Job retries, resuming). */
  public static int run(List<String> args, Map<String, String> env) {
    if (args.isEmpty() || !ROLES.contains(args.get(0))) {
      LOG.errorf("usage: <role> where role is one of %s", ROLES);
      return USAGE;
    }
    if (args.get(0).equals("copy")
        || args.get(0).equals("compare")
        || args.get(0).equals("snapshot")) {
      return runCutoverRole(args.get(0), env);
    }
    PgUri database;
    WorkerPlan plan;
    String job = env.get("DOVETAIL_JOB_NAME");
    try {
      database = PgUri.parse(required(env, "DOVETAIL_DATABASE_URI"));
      plan = WorkerPlan.fromJson(required(env, "DOVETAIL_PLAN"));
      required(env, "DOVETAIL_JOB_NAME");
    } catch (IllegalArgumentException e) {
      // Messages name the variable, never its value: DOVETAIL_DATABASE_URI holds a password.
      LOG.error(e.getMessage());
      return USAGE;
    }
    try {
      return switch (args.get(0)) {
        case "backfill" -> new BackfillWorker(database, plan, job).run();
        default -> new VerifyWorker(database, plan, job).run();
      };
    } catch (Exception e) {
      LOG.errorf(e, "%s failed: %s", args.get(0), e.getMessage());
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv()));
  }

  /**
   * The DualWriteCutover roles (two databases, no plan) and the snapshot role (no plan) read their
   * own variables.
   */
  private static int runCutoverRole(String role, Map<String, String> env) {
    try {
      return switch (role) {
        case "compare" -> new CompareWorker(env).run();
        case "snapshot" -> new SnapshotWorker(env).run();
        default -> new CopyWorker(env).run();
      };
    } catch (IllegalArgumentException e) {
      // Messages name the variable, never its value: the URIs hold passwords.
      LOG.error(e.getMessage());
      return USAGE;
    } catch (Exception e) {
      LOG.errorf(e, "%s failed: %s", role, e.getMessage());
      return 1;
    }
  }

  static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is missing");
    }
    return value;
  }
}
