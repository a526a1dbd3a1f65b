package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * spec.snapshot: a copy of the data taken before the first DDL of a spec generation. Exactly one
 * variant is set; expand waits until it is ready.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.volumeSnapshot) != has(self.pgDump)",
    message = "spec.snapshot: set exactly one of volumeSnapshot or pgDump")
public class SnapshotSettings {

  @JsonPropertyDescription(
      "A CSI VolumeSnapshot (snapshot.storage.k8s.io/v1) of the database's PVC; expand waits"
          + " until its status.readyToUse is true.")
  private VolumeSnapshotSettings volumeSnapshot;

  @JsonPropertyDescription(
      "A pg_dump --format=custom of the tables the operations touch, written by a Job to a PVC"
          + " and checked with pg_restore --list before expand runs.")
  private PgDumpSettings pgDump;

  public SnapshotSettings() {}

  public static SnapshotSettings volumeSnapshot(VolumeSnapshotSettings v) {
    var s = new SnapshotSettings();
    s.setVolumeSnapshot(v);
    return s;
  }

  public static SnapshotSettings pgDump(PgDumpSettings p) {
    var s = new SnapshotSettings();
    s.setPgDump(p);
    return s;
  }

  public VolumeSnapshotSettings getVolumeSnapshot() {
    return volumeSnapshot;
  }

  public void setVolumeSnapshot(VolumeSnapshotSettings volumeSnapshot) {
    this.volumeSnapshot = volumeSnapshot;
  }

  public PgDumpSettings getPgDump() {
    return pgDump;
  }

  public void setPgDump(PgDumpSettings pgDump) {
    this.pgDump = pgDump;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SnapshotSettings s
        && Objects.equals(volumeSnapshot, s.volumeSnapshot)
        && Objects.equals(pgDump, s.pgDump);
  }

  @Override
  public int hashCode() {
    return Objects.hash(volumeSnapshot, pgDump);
  }
}
