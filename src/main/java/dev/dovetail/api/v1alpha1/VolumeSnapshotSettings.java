package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** spec.snapshot.volumeSnapshot: which PVC to snapshot, with which VolumeSnapshotClass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeSnapshotSettings {
  static final String NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  @Required
  @Pattern(NAME)
  @Size(max = 253)
  @JsonPropertyDescription(
      "The PersistentVolumeClaim holding the database's data directory, in the migration's"
          + " namespace.")
  private String persistentVolumeClaimName;

  @Pattern(NAME)
  @Size(max = 253)
  @JsonPropertyDescription("The VolumeSnapshotClass to use; the cluster's default when unset.")
  private String volumeSnapshotClassName;

  public VolumeSnapshotSettings() {}

  public VolumeSnapshotSettings(String persistentVolumeClaimName, String volumeSnapshotClassName) {
    this.persistentVolumeClaimName = persistentVolumeClaimName;
    this.volumeSnapshotClassName = volumeSnapshotClassName;
  }

  public String getPersistentVolumeClaimName() {
    return persistentVolumeClaimName;
  }

  public void setPersistentVolumeClaimName(String persistentVolumeClaimName) {
    this.persistentVolumeClaimName = persistentVolumeClaimName;
  }

  public String getVolumeSnapshotClassName() {
    return volumeSnapshotClassName;
  }

  public void setVolumeSnapshotClassName(String volumeSnapshotClassName) {
    this.volumeSnapshotClassName = volumeSnapshotClassName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VolumeSnapshotSettings s
        && Objects.equals(persistentVolumeClaimName, s.persistentVolumeClaimName)
        && Objects.equals(volumeSnapshotClassName, s.volumeSnapshotClassName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(persistentVolumeClaimName, volumeSnapshotClassName);
  }
}
