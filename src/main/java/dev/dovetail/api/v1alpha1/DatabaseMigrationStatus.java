package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed and did. Written only by the operator's status builder. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseMigrationStatus {

  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Where the migration stands: Pending, Invalid, Blocked, Snapshotting, Expanding, Backfilling, Verifying,"
          + " Expanded, Contracting, Contracted, RollingBack, RolledBack, Abandoned, Failed.")
  private String phase;

  @JsonPropertyDescription("Backfill progress for kubectl get, e.g. 42% (84000/200000).")
  private String progress;

  @JsonPropertyDescription("Worst replica lag at the last check, e.g. 0.4s.")
  private String replicationLag;

  @JsonPropertyDescription(
      "Ready, Progressing, ReplicationHealthy, BackfillComplete, Verified; see the README.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Every statement the operator will run, with the lock it takes.")
  private List<PlannedStatement> plan = new ArrayList<>();

  @JsonPropertyDescription("Backfill facts from the database's checkpoint rows.")
  private BackfillStatus backfill;

  @JsonPropertyDescription("The latest verification result.")
  private VerificationStatus verification;

  @JsonPropertyDescription("The pre-migration snapshot (spec.snapshot) of this generation.")
  private SnapshotStatus snapshot;

  @JsonPropertyDescription(
      "When expand was verified (RFC 3339); the soak before Contract counts from here.")
  private String expandedAt;

  @JsonPropertyDescription("When contract finished (RFC 3339).")
  private String contractedAt;

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyDescription(
      "Pre-check report before DDL: transactions open longer than gates.longTransactionWarning that"
          + " hold a lock on a table an operation touches (pid, state, transaction start,"
          + " application, first 60 characters of the query). Reported, not blocking.")
  private List<String> longTransactions = new ArrayList<>();

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyDescription(
      "Pre-check estimate of the disk each operation's expand writes, per operation (index:kind):"
          + " bytes and how they were estimated (a backfill: the table's heap; a new index: rows ×"
          + " key width). Free disk itself cannot be read from SQL; compare with the volume.")
  private List<String> spaceNeeded = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public String getReplicationLag() {
    return replicationLag;
  }

  public void setReplicationLag(String replicationLag) {
    this.replicationLag = replicationLag;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<PlannedStatement> getPlan() {
    return plan;
  }

  public void setPlan(List<PlannedStatement> plan) {
    this.plan = plan;
  }

  public BackfillStatus getBackfill() {
    return backfill;
  }

  public void setBackfill(BackfillStatus backfill) {
    this.backfill = backfill;
  }

  public VerificationStatus getVerification() {
    return verification;
  }

  public void setVerification(VerificationStatus verification) {
    this.verification = verification;
  }

  public SnapshotStatus getSnapshot() {
    return snapshot;
  }

  public void setSnapshot(SnapshotStatus snapshot) {
    this.snapshot = snapshot;
  }

  public String getExpandedAt() {
    return expandedAt;
  }

  public void setExpandedAt(String expandedAt) {
    this.expandedAt = expandedAt;
  }

  public String getContractedAt() {
    return contractedAt;
  }

  public void setContractedAt(String contractedAt) {
    this.contractedAt = contractedAt;
  }

  public List<String> getLongTransactions() {
    return longTransactions;
  }

  public void setLongTransactions(List<String> longTransactions) {
    this.longTransactions = longTransactions == null ? new ArrayList<>() : longTransactions;
  }

  public List<String> getSpaceNeeded() {
    return spaceNeeded;
  }

  public void setSpaceNeeded(List<String> spaceNeeded) {
    this.spaceNeeded = spaceNeeded == null ? new ArrayList<>() : spaceNeeded;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatabaseMigrationStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(phase, s.phase)
        && Objects.equals(progress, s.progress)
        && Objects.equals(replicationLag, s.replicationLag)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(plan, s.plan)
        && Objects.equals(backfill, s.backfill)
        && Objects.equals(verification, s.verification)
        && Objects.equals(snapshot, s.snapshot)
        && Objects.equals(expandedAt, s.expandedAt)
        && Objects.equals(contractedAt, s.contractedAt)
        && Objects.equals(longTransactions, s.longTransactions)
        && Objects.equals(spaceNeeded, s.spaceNeeded);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions);
  }
}
