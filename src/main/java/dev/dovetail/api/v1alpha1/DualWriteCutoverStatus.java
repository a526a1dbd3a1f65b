package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a cutover. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DualWriteCutoverStatus {

  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Where the cutover stands.")
  private String phase;

  @JsonPropertyDescription("Percent of reads routed to the target, as published.")
  private Integer readFromTargetPercent;

  @JsonPropertyDescription("Which database takes writes, as published.")
  private String writeTarget;

  @JsonPropertyDescription("End-to-end replication lag at the last check.")
  private String replicationLag;

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

  public String getWriteTarget() {
    return writeTarget;
  }

  public void setWriteTarget(String writeTarget) {
    this.writeTarget = writeTarget;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof DualWriteCutoverStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(phase, s.phase)
        && Objects.equals(readFromTargetPercent, s.readFromTargetPercent)
        && Objects.equals(writeTarget, s.writeTarget)
        && Objects.equals(replicationLag, s.replicationLag)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions);
  }
}
