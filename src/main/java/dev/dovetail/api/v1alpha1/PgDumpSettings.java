package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** spec.snapshot.pgDump: where the dump Job writes, and optionally the image it runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PgDumpSettings {

  @Required
  @Pattern(VolumeSnapshotSettings.NAME)
  @Size(max = 253)
  @JsonPropertyDescription(
      "The PersistentVolumeClaim the dump is written to (mounted at /snapshot), in the"
          + " migration's namespace. The file is <migration>-g<generation>.dump.")
  private String persistentVolumeClaimName;

  @Size(max = 512)
  @JsonPropertyDescription(
      "Image of the dump Job: the Dovetail worker image with pg_dump and pg_restore on its PATH"
          + " (or at DOVETAIL_PG_DUMP). Defaults to the operator's worker image.")
  private String image;

  @Default("1m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "pg_dump --lock-wait-timeout: how long the dump waits for its ACCESS SHARE lock on each"
          + " table (only a session holding ACCESS EXCLUSIVE, such as a running ALTER TABLE, makes"
          + " it wait). After that the dump fails with SnapshotFailed, naming the table, instead of"
          + " queueing for hours. Default 1m.")
  private String lockWaitTimeout = "1m";

  public PgDumpSettings() {}

  public PgDumpSettings(String persistentVolumeClaimName) {
    this.persistentVolumeClaimName = persistentVolumeClaimName;
  }

  public String getPersistentVolumeClaimName() {
    return persistentVolumeClaimName;
  }

  public void setPersistentVolumeClaimName(String persistentVolumeClaimName) {
    this.persistentVolumeClaimName = persistentVolumeClaimName;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getLockWaitTimeout() {
    return lockWaitTimeout;
  }

  public void setLockWaitTimeout(String lockWaitTimeout) {
    this.lockWaitTimeout = lockWaitTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PgDumpSettings s
        && Objects.equals(persistentVolumeClaimName, s.persistentVolumeClaimName)
        && Objects.equals(image, s.image)
        && Objects.equals(lockWaitTimeout, s.lockWaitTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(persistentVolumeClaimName, image, lockWaitTimeout);
  }
}
