package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a cutover. Built only by cutover/CutoverStatusBuilder. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DualWriteCutoverStatus {

  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Where the cutover stands: Pending, Invalid, Copying, Syncing, CuttingOver, ReadsOnTarget,"
          + " WritesOnTarget, Completing, Completed.")
  private String phase;

  @JsonPropertyDescription("Percent of reads routed to the target, as published in the flag.")
  private Integer readFromTargetPercent;

  @JsonPropertyDescription(
      "The last read percent whose gates held for gates.minSoak: where rollbackOnFailure falls"
          + " back to.")
  private Integer lastGoodReadFromTargetPercent;

  @JsonPropertyDescription("Which database takes writes, as published in the flag.")
  private String writeTarget;

  @JsonPropertyDescription("When the published read percent or write target last changed.")
  private String lastStepAt;

  @JsonPropertyDescription("End-to-end replication lag by heartbeat at the last check, e.g. 0.4s.")
  private String replicationLag;

  @JsonPropertyDescription("Bytes of WAL the replication slot has not confirmed yet.")
  private Long slotLagBytes;

  @JsonPropertyDescription("When the lag was measured (RFC 3339).")
  private String lagMeasuredAt;

  @JsonPropertyDescription("The initial copy.")
  private CutoverCopyStatus copy;

  @JsonPropertyDescription("The latest verification round.")
  private CutoverVerificationStatus verification;

  @JsonPropertyDescription(
      "The source's foreign keys of the moved tables and where each stands on the target.")
  private List<CutoverForeignKeyStatus> foreignKeys;

  @JsonPropertyDescription("How long writes were paused by the last write switch, e.g. 850ms.")
  private String lastWritePause;

  @JsonPropertyDescription("ConfigMap the routing flag is published to.")
  private String flagConfigMap;

  @JsonPropertyDescription("Ready, Progressing, ReplicationHealthy, Consistent, Degraded.")
  private List<Condition> conditions = new ArrayList<>();

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

  public Integer getReadFromTargetPercent() {
    return readFromTargetPercent;
  }

  public void setReadFromTargetPercent(Integer readFromTargetPercent) {
    this.readFromTargetPercent = readFromTargetPercent;
  }

  public Integer getLastGoodReadFromTargetPercent() {
    return lastGoodReadFromTargetPercent;
  }

  public void setLastGoodReadFromTargetPercent(Integer lastGoodReadFromTargetPercent) {
    this.lastGoodReadFromTargetPercent = lastGoodReadFromTargetPercent;
  }

  public String getWriteTarget() {
    return writeTarget;
  }

  public void setWriteTarget(String writeTarget) {
    this.writeTarget = writeTarget;
  }

  public String getLastStepAt() {
    return lastStepAt;
  }

  public void setLastStepAt(String lastStepAt) {
    this.lastStepAt = lastStepAt;
  }

  public String getReplicationLag() {
    return replicationLag;
  }

  public void setReplicationLag(String replicationLag) {
    this.replicationLag = replicationLag;
  }

  public Long getSlotLagBytes() {
    return slotLagBytes;
  }

  public void setSlotLagBytes(Long slotLagBytes) {
    this.slotLagBytes = slotLagBytes;
  }

  public String getLagMeasuredAt() {
    return lagMeasuredAt;
  }

  public void setLagMeasuredAt(String lagMeasuredAt) {
    this.lagMeasuredAt = lagMeasuredAt;
  }

  public CutoverCopyStatus getCopy() {
    return copy;
  }

  public void setCopy(CutoverCopyStatus copy) {
    this.copy = copy;
  }

  public CutoverVerificationStatus getVerification() {
    return verification;
  }

  public void setVerification(CutoverVerificationStatus verification) {
    this.verification = verification;
  }

  public List<CutoverForeignKeyStatus> getForeignKeys() {
    return foreignKeys;
  }

  public void setForeignKeys(List<CutoverForeignKeyStatus> foreignKeys) {
    this.foreignKeys = foreignKeys;
  }

  public String getLastWritePause() {
    return lastWritePause;
  }

  public void setLastWritePause(String lastWritePause) {
    this.lastWritePause = lastWritePause;
  }

  public String getFlagConfigMap() {
    return flagConfigMap;
  }

  public void setFlagConfigMap(String flagConfigMap) {
    this.flagConfigMap = flagConfigMap;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /**
   * Everything but the lag measurement time: a status that differs only in when lag was measured is
   * not worth a write (the heartbeat runs every few seconds).
   */
  public boolean sameAs(DualWriteCutoverStatus s) {
    return s != null
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(phase, s.phase)
        && Objects.equals(readFromTargetPercent, s.readFromTargetPercent)
        && Objects.equals(lastGoodReadFromTargetPercent, s.lastGoodReadFromTargetPercent)
        && Objects.equals(writeTarget, s.writeTarget)
        && Objects.equals(lastStepAt, s.lastStepAt)
        && Objects.equals(replicationLag, s.replicationLag)
        && Objects.equals(slotLagBytes, s.slotLagBytes)
        && Objects.equals(copy, s.copy)
        && Objects.equals(verification, s.verification)
        && Objects.equals(foreignKeys, s.foreignKeys)
        && Objects.equals(lastWritePause, s.lastWritePause)
        && Objects.equals(flagConfigMap, s.flagConfigMap)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DualWriteCutoverStatus s
        && sameAs(s)
        && Objects.equals(lagMeasuredAt, s.lagMeasuredAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, readFromTargetPercent, writeTarget, conditions);
  }
}
