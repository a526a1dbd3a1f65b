package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for: the operations and how far to take them.
 *
 * <p>The transition rules below run on updates only: a create has no {@code oldSelf}, and the
 * history that decides whether {@code Contract} is legal lives in the database's bookkeeping, not
 * in the API (a resource re-created with {@code phase: Contract} after its contract ran, e.g. a
 * cluster rebuilt from Git, is legitimate). A create with {@code phase: Contract} of operations
 * never expanded is therefore admitted and refused by the operator (reason ExpandNotVerified,
 * nothing runs).
 */
@ValidationRule(
    value = "!has(oldSelf.phase) || oldSelf.phase != 'Abandon' || self.phase == 'Abandon'",
    message =
        "an abandoned migration cannot be resumed: spec.phase must stay Abandon (create a new"
            + " DatabaseMigration instead)")
@ValidationRule(
    value = "self.phase != 'Contract' || self.operations.all(op, op in oldSelf.operations)",
    message =
        "spec.phase Contract cannot add or change operations in the same change: an operation"
            + " contracts only after it was applied with phase Expand and verified (commit the"
            + " new operations with phase Expand first, then Contract)")
public class DatabaseMigrationSpec {

  @Required
  @JsonPropertyDescription("The database to migrate; its connection URI comes from a Secret.")
  private DatabaseRef database;

  @JsonPropertyDescription(
      "How far to take the migration: Expand (additive DDL, sync triggers, backfill,"
          + " verification), Contract (drop the old schema once expand is verified and has soaked),"
          + " or Abandon (remove everything the migration created). Moving from Contract back to"
          + " Expand before the contract ran, or removing an operation, undoes what is no longer"
          + " desired.")
  @Default("Expand")
  private MigrationPhase phase = MigrationPhase.Expand;

  @Required
  @Size(min = 1, max = 50)
  @JsonPropertyDescription(
      "The schema changes, applied in order as one unit. Each item sets exactly one operation"
          + " kind.")
  private List<Operation> operations = new ArrayList<>();

  @JsonPropertyDescription(
      "Allow sql operations (raw up/down statements). Off by default; even when on, every"
          + " statement is linted and one that would hold an ACCESS EXCLUSIVE lock for long is"
          + " refused with the safe alternative.")
  private boolean allowRawSql;

  @Default("0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long after contract the old side is kept, hidden and in sync, so that setting phase"
          + " back to Expand restores it (changeColumnType, dropColumn); then it is dropped."
          + " Default 0s: dropped right after contract. Example: 24h.")
  @Size(max = 32)
  private String cleanupAfter = "0s";

  @Default("0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Longest the expand may take, from the first claim of its tables to Ready=True. When it"
          + " passes, every operation is rolled back (Ready=False, reason ExpandTimedOut) until the"
          + " spec changes. Not counted while spec.paused is true. Default 0s: no limit."
          + " Example: 2h.")
  @Size(max = 32)
  private String timeout = "0s";

  @JsonPropertyDescription(
      "Optional copy of the data taken before the first DDL of each spec generation that has DDL"
          + " to run: a VolumeSnapshot of a PVC, or a pg_dump of the affected tables to a PVC."
          + " Expand waits until it is ready (reason SnapshotPending); a failed snapshot stops"
          + " the migration before any DDL (reason SnapshotFailed).")
  private SnapshotSettings snapshot;

  @JsonPropertyDescription("Conditions every forward step waits for.")
  private MigrationGates gates = new MigrationGates();

  @JsonPropertyDescription("How the backfill Job pages through the table.")
  private BackfillSettings backfill = new BackfillSettings();

  @JsonPropertyDescription("How DDL statements are run: lock timeout and retries.")
  private DdlSettings ddl = new DdlSettings();

  @JsonPropertyDescription(
      "Pause forward progress: no new DDL, the backfill stops after its current batch. Rollback"
          + " still runs.")
  private boolean paused;

  @JsonPropertyDescription(
      "Plan only: compute every statement (with its lock and hazard) into status.plan and run"
          + " none of them (Ready=False, reason DryRun). Setting it back to false proceeds."
          + " Rollback of what is no longer desired is never held back.")
  private boolean dryRun;

  public DatabaseRef getDatabase() {
    return database;
  }

  public void setDatabase(DatabaseRef database) {
    this.database = database;
  }

  public MigrationPhase getPhase() {
    return phase;
  }

  public void setPhase(MigrationPhase phase) {
    this.phase = phase;
  }

  public List<Operation> getOperations() {
    return operations;
  }

  public void setOperations(List<Operation> operations) {
    this.operations = operations;
  }

  public boolean isAllowRawSql() {
    return allowRawSql;
  }

  public void setAllowRawSql(boolean allowRawSql) {
    this.allowRawSql = allowRawSql;
  }

  public String getCleanupAfter() {
    return cleanupAfter;
  }

  public void setCleanupAfter(String cleanupAfter) {
    this.cleanupAfter = cleanupAfter;
  }

  public MigrationGates getGates() {
    return gates;
  }

  public void setGates(MigrationGates gates) {
    this.gates = gates;
  }

  public BackfillSettings getBackfill() {
    return backfill;
  }

  public void setBackfill(BackfillSettings backfill) {
    this.backfill = backfill;
  }

  public DdlSettings getDdl() {
    return ddl;
  }

  public void setDdl(DdlSettings ddl) {
    this.ddl = ddl;
  }

  public boolean isPaused() {
    return paused;
  }

  public void setPaused(boolean paused) {
    this.paused = paused;
  }

  public boolean isDryRun() {
    return dryRun;
  }

  public void setDryRun(boolean dryRun) {
    this.dryRun = dryRun;
  }

  public SnapshotSettings getSnapshot() {
    return snapshot;
  }

  public void setSnapshot(SnapshotSettings snapshot) {
    this.snapshot = snapshot;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
