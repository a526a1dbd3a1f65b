package dev.dovetail.worker;

import java.util.List;
import java.util.Map;

/** Entry point of worker Jobs (STUB: being written). */
public final class WorkerMain {
  private WorkerMain() {}

  /**
   * Runs one worker role. {@code args.get(0)} is the role (backfill, verify); configuration comes
   * from {@code env} only. Returns the process exit code: 0 done, non-zero failed (the Job retries
   * the pod; the worker resumes from its checkpoint).
   */
  public static int run(List<String> args, Map<String, String> env) {
    throw new UnsupportedOperationException("not yet written");
  }
}
