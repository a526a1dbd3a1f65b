package dev.dovetail.migration;

import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.SchemaChange;
import java.time.Duration;
import java.util.List;

/**
 * The one thing a reconcile pass does, decided by {@link MigrationPlanner}. {@link #phase()} is
 * what status.phase shows while (or after) the step happens.
 */
public sealed interface MigrationStep {

  String phase();

  /** Forward steps change the database; they are gated. Rollback steps are not. */
  default boolean acts() {
    return false;
  }

  /** The spec is wrong; nothing runs. */
  record Invalid(List<String> problems) implements MigrationStep {
    public String phase() {
      return "Invalid";
    }
  }

  /** The Secret or database cannot be reached; retried. */
  record Unreachable(String message) implements MigrationStep {
    public String phase() {
      return "Blocked";
    }
  }

  /**
   * Run rollback step {@code step} of one operation (change empty: its table is gone, forget it).
   */
  record RollBack(String operationId, java.util.Optional<SchemaChange> change, String why, int step)
      implements MigrationStep {
    public RollBack(String operationId, java.util.Optional<SchemaChange> change, String why) {
      this(operationId, change, why, 0);
    }

    public String phase() {
      return "RollingBack";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Undo step {@code step} of a contract that hid the old side (before its cleanup). */
  record Uncontract(String operationId, SchemaChange change, String why, int step)
      implements MigrationStep {
    public String phase() {
      return "RollingBack";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Claim the tables the operations touch before the first DDL (same-table serialisation). */
  record Claim(List<String> tables) implements MigrationStep {
    public String phase() {
      return "Expanding";
    }

    public boolean acts() {
      return true;
    }
  }

  /**
   * Create the pre-migration snapshot of this generation (spec.snapshot): a VolumeSnapshot, or a
   * dump Job over {@code tables}.
   */
  record StartSnapshot(SnapshotView snapshot, List<String> tables) implements MigrationStep {
    public String phase() {
      return "Snapshotting";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Run expand step {@code step} of one operation (additive DDL). */
  record Expand(DesiredChange change, int step) implements MigrationStep {
    public Expand(DesiredChange change) {
      this(change, 0);
    }

    public String phase() {
      return "Expanding";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Mirror spec.paused into the database, where the backfill worker reads it between batches. */
  record SyncPause(boolean paused) implements MigrationStep {
    public String phase() {
      return paused ? "Paused" : "Expanding";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Launch a worker Job (backfill or verify). */
  record StartJob(JobView job) implements MigrationStep {
    public String phase() {
      return job.role().equals(MigrationJobs.BACKFILL) ? "Backfilling" : "Verifying";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Step {@code step} of the DDL that needs the backfill done (VALIDATE CONSTRAINT). */
  record AfterBackfill(DesiredChange change, int step) implements MigrationStep {
    public String phase() {
      return "Verifying";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Drop the old side of one operation. */
  record Contract(DesiredChange change, int step) implements MigrationStep {
    public Contract(DesiredChange change) {
      this(change, 0);
    }

    public String phase() {
      return "Contracting";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Drop what contract hid, spec.cleanupAfter after contract. */
  record Cleanup(DesiredChange change, int step) implements MigrationStep {
    public String phase() {
      return "Contracting";
    }

    public boolean acts() {
      return true;
    }
  }

  /** Nothing to do now: a Job runs, a gate holds, or the user paused. */
  record Wait(String phase, String reason, String message, boolean blocked, Duration recheck)
      implements MigrationStep {}

  /** The requested phase is reached (or cannot be). */
  record Done(String phase, String reason, String message, boolean ready)
      implements MigrationStep {}

  /** A Job failed or verification found differences; a person has to look. */
  record Fail(String reason, String message) implements MigrationStep {
    public String phase() {
      return "Failed";
    }
  }
}
