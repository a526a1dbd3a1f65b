package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof PgDumpSettings s
        && Objects.equals(persistentVolumeClaimName, s.persistentVolumeClaimName)
        && Objects.equals(image, s.image);
  }

  @Override
  public int hashCode() {
    return Objects.hash(persistentVolumeClaimName, image);
  }
}
