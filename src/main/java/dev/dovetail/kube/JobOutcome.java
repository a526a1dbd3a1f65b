package dev.dovetail.kube;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;

/** A Job's outcome, read only from its terminal conditions (as the Job controller writes them). */
public enum JobOutcome {
  ABSENT,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public static JobOutcome of(Job job) {
    if (job == null) {
      return ABSENT;
    }
    if (has(job, "Complete") || has(job, "SuccessCriteriaMet")) {
      return SUCCEEDED;
    }
    if (has(job, "Failed") || has(job, "FailureTarget")) {
      return FAILED;
    }
    return RUNNING;
  }

  /** "Reason: message" of the Failed (or FailureTarget) condition. */
  public static String failureMessage(Job job) {
    return conditions(job).stream()
        .filter(
            c ->
                ("Failed".equals(c.getType()) || "FailureTarget".equals(c.getType()))
                    && "True".equals(c.getStatus()))
        .findFirst()
        .map(c -> c.getReason() + ": " + c.getMessage())
        .orElse("unknown failure");
  }

  private static boolean has(Job job, String type) {
    return conditions(job).stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<JobCondition> conditions(Job job) {
    return job == null || job.getStatus() == null || job.getStatus().getConditions() == null
        ? List.of()
        : job.getStatus().getConditions();
  }
}
