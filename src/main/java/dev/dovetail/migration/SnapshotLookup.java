package dev.dovetail.migration;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the snapshot gate reads from the API server, by name in the migration's namespace: the
 * VolumeSnapshot of a generation, and the PVC spec.snapshot names (checked before anything is
 * created for it, so a typo is a condition naming the field instead of a Job whose pod never
 * schedules or a VolumeSnapshot that never becomes ready).
 */
interface SnapshotLookup {
  GenericKubernetesResource volumeSnapshot(String name);

  PersistentVolumeClaim claim(String name);

  /** For passes that never look at the snapshot (cleanup): nothing is there to be read. */
  SnapshotLookup NONE =
      new SnapshotLookup() {
        @Override
        public GenericKubernetesResource volumeSnapshot(String name) {
          return null;
        }

        @Override
        public PersistentVolumeClaim claim(String name) {
          return null;
        }
      };

  static SnapshotLookup of(KubernetesClient client, String namespace) {
    return new SnapshotLookup() {
      @Override
      public GenericKubernetesResource volumeSnapshot(String name) {
        return MigrationSnapshots.getVolumeSnapshot(client, namespace, name);
      }

      @Override
      public PersistentVolumeClaim claim(String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
      }
    };
  }
}
