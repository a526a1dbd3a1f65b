package dev.dovetail.migration;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.SnapshotSettings;
import dev.dovetail.api.v1alpha1.SnapshotStatus;
import dev.dovetail.api.v1alpha1.VolumeSnapshotSettings;
import dev.dovetail.kube.ChildNames;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.kube.Labels;
import dev.dovetail.kube.WorkerJobs;
import dev.dovetail.migration.SnapshotView.State;
import dev.dovetail.postgres.SnapshotRecords;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * spec.snapshot's children: a VolumeSnapshot of the named PVC, or a dump Job writing a pg_dump of
 * the affected tables to the named PVC. Both are named after the migration and the spec generation,
 * so each generation with DDL to run gets exactly one, however many passes look.
 */
final class MigrationSnapshots {
  static final String ROLE = "snapshot";
  static final String VOLUME_SNAPSHOT = "VolumeSnapshot";
  static final String PG_DUMP = "PgDump";

  /** Where the dump Job mounts the PVC. */
  static final String MOUNT = "/snapshot";

  /** snapshot.storage.k8s.io/v1, named explicitly: no discovery, no CRD needed to read it. */
  static final ResourceDefinitionContext VOLUME_SNAPSHOTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("snapshot.storage.k8s.io")
          .withVersion("v1")
          .withKind(VOLUME_SNAPSHOT)
          .withPlural("volumesnapshots")
          .withNamespaced(true)
          .build();

  private MigrationSnapshots() {}

  static long generation(DatabaseMigration m) {
    Long g = m.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  /** {@code <migration>-snapshot-g<generation>}, for the VolumeSnapshot and the dump Job alike. */
  static String name(DatabaseMigration m) {
    return ChildNames.job(m.getMetadata().getName(), ROLE, "g" + generation(m));
  }

  /** The dump's file name on the PVC: {@code <migration>-g<generation>.dump}. */
  static String dumpFile(DatabaseMigration m) {
    return m.getMetadata().getName() + "-g" + generation(m) + ".dump";
  }

  /** The bookkeeping key of the dump records: a re-created resource starts at generation 1. */
  static String recordKey(DatabaseMigration m) {
    return MigrationJobs.migrationKey(m) + "#" + m.getMetadata().getUid();
  }

  static GenericKubernetesResource getVolumeSnapshot(
      KubernetesClient client, String namespace, String name) {
    return client
        .genericKubernetesResources(VOLUME_SNAPSHOTS)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  /** What this pass sees of the snapshot of {@code m}'s generation. */
  static SnapshotView observe(
      DatabaseMigration m, Connection db, Function<String, Job> jobs, SnapshotLookup lookup)
      throws SQLException {
    SnapshotSettings settings = m.getSpec().getSnapshot();
    String name = name(m);
    long generation = generation(m);
    if (settings.getVolumeSnapshot() != null) {
      GenericKubernetesResource snapshot = lookup.volumeSnapshot(name);
      if (snapshot == null) {
        String missing =
            missingClaim(
                m,
                lookup,
                settings.getVolumeSnapshot().getPersistentVolumeClaimName(),
                "spec.snapshot.volumeSnapshot.persistentVolumeClaimName");
        if (missing != null) {
          return new SnapshotView(VOLUME_SNAPSHOT, name, generation, State.BLOCKED, missing, null);
        }
      }
      return volumeSnapshot(name, generation, snapshot);
    }
    var record = SnapshotRecords.find(db, recordKey(m), generation);
    if (record.isPresent()) {
      var r = record.get();
      return new SnapshotView(
          PG_DUMP,
          name,
          generation,
          State.READY,
          null,
          new SnapshotStatus(
              PG_DUMP,
              name,
              generation,
              true,
              r.file(),
              r.bytes(),
              r.tables(),
              Durations.format(r.duration()),
              null));
    }
    Job job = jobs.apply(name);
    // The worker records why an attempt failed; the Job's own status only says that it did.
    String lastFailure =
        SnapshotRecords.findFailure(db, recordKey(m), generation)
            .map(f -> "; last attempt: " + f.message())
            .orElse("");
    return switch (JobOutcome.of(job)) {
      case ABSENT -> {
        String missing =
            missingClaim(
                m,
                lookup,
                settings.getPgDump().getPersistentVolumeClaimName(),
                "spec.snapshot.pgDump.persistentVolumeClaimName");
        yield missing != null
            ? dumpView(name, generation, State.BLOCKED, missing)
            : dumpView(name, generation, State.ABSENT, null);
      }
      case RUNNING ->
          dumpView(
              name,
              generation,
              State.PENDING,
              "dump Job " + name + " is writing " + MOUNT + "/" + dumpFile(m) + lastFailure);
      case SUCCEEDED ->
          dumpView(
              name,
              generation,
              State.FAILED,
              "dump Job " + name + " finished without recording its dump" + lastFailure);
      case FAILED ->
          dumpView(
              name,
              generation,
              State.FAILED,
              "dump Job " + name + " failed: " + JobOutcome.failureMessage(job) + lastFailure);
    };
  }

  /** Why the PVC the snapshot needs cannot be used, or null when it exists. */
  private static String missingClaim(
      DatabaseMigration m, SnapshotLookup lookup, String claim, String field) {
    if (lookup.claim(claim) != null) {
      return null;
    }
    return field
        + ": PersistentVolumeClaim "
        + claim
        + " not found in namespace "
        + m.getMetadata().getNamespace()
        + "; nothing is created and no DDL runs until it exists";
  }

  private static SnapshotView dumpView(String name, long generation, State state, String message) {
    return new SnapshotView(
        PG_DUMP,
        name,
        generation,
        state,
        message,
        state == State.ABSENT || state == State.BLOCKED
            ? null
            : new SnapshotStatus(
                PG_DUMP,
                name,
                generation,
                false,
                null,
                null,
                null,
                null,
                state == State.FAILED ? message : null));
  }

  @SuppressWarnings("unchecked")
  static SnapshotView volumeSnapshot(
      String name, long generation, GenericKubernetesResource snapshot) {
    if (snapshot == null) {
      return new SnapshotView(VOLUME_SNAPSHOT, name, generation, State.ABSENT, null, null);
    }
    Object raw = snapshot.getAdditionalProperties().get("status");
    Map<String, Object> status = raw instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
    Object error = status.get("error");
    if (error instanceof Map<?, ?> e && e.get("message") != null) {
      String message = "VolumeSnapshot " + name + " failed: " + e.get("message");
      return new SnapshotView(
          VOLUME_SNAPSHOT,
          name,
          generation,
          State.FAILED,
          message,
          new SnapshotStatus(
              VOLUME_SNAPSHOT, name, generation, false, null, null, null, null, message));
    }
    boolean ready = Boolean.TRUE.equals(status.get("readyToUse"));
    return new SnapshotView(
        VOLUME_SNAPSHOT,
        name,
        generation,
        ready ? State.READY : State.PENDING,
        ready ? null : "VolumeSnapshot " + name + " is not readyToUse yet",
        new SnapshotStatus(VOLUME_SNAPSHOT, name, generation, ready, null, null, null, null, null));
  }

  /** Creates the snapshot of this generation; one a previous pass created is left as it is. */
  static void create(
      KubernetesClient client, DatabaseMigration m, List<String> tables, DovetailConfig config) {
    SnapshotSettings settings = m.getSpec().getSnapshot();
    try {
      if (settings.getVolumeSnapshot() != null) {
        client
            .genericKubernetesResources(VOLUME_SNAPSHOTS)
            .inNamespace(m.getMetadata().getNamespace())
            .resource(volumeSnapshot(m, settings.getVolumeSnapshot()))
            .create();
      } else {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(m.getMetadata().getNamespace())
            .resource(dumpJob(m, tables, config))
            .create();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // already there: a previous pass created it
        throw e;
      }
    }
  }

  static GenericKubernetesResource volumeSnapshot(
      DatabaseMigration m, VolumeSnapshotSettings settings) {
    var source = new LinkedHashMap<String, Object>();
    source.put("persistentVolumeClaimName", settings.getPersistentVolumeClaimName());
    var spec = new LinkedHashMap<String, Object>();
    if (settings.getVolumeSnapshotClassName() != null) {
      spec.put("volumeSnapshotClassName", settings.getVolumeSnapshotClassName());
    }
    spec.put("source", source);
    var snapshot = new GenericKubernetesResource();
    snapshot.setApiVersion("snapshot.storage.k8s.io/v1");
    snapshot.setKind(VOLUME_SNAPSHOT);
    snapshot.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(m))
            .withNamespace(m.getMetadata().getNamespace())
            .withLabels(Labels.forChild(m.getMetadata().getName(), ROLE))
            .addToAnnotations("dovetail.dev/generation", Long.toString(generation(m)))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(m.getApiVersion())
                    .withKind(m.getKind())
                    .withName(m.getMetadata().getName())
                    .withUid(m.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    snapshot.setAdditionalProperty("spec", spec);
    return snapshot;
  }

  /**
   * The dump Job: the worker's "snapshot" role with the PVC at {@link #MOUNT}. fsGroup makes the
   * volume writable by the image's unprivileged user.
   */
  static Job dumpJob(DatabaseMigration m, List<String> tables, DovetailConfig config) {
    var settings = m.getSpec().getSnapshot().getPgDump();
    var env = new LinkedHashMap<String, String>();
    env.put("DOVETAIL_SNAPSHOT_DIR", MOUNT);
    env.put("DOVETAIL_SNAPSHOT_FILE", dumpFile(m));
    env.put("DOVETAIL_SNAPSHOT_TABLES", String.join(",", tables));
    env.put("DOVETAIL_SNAPSHOT_KEY", recordKey(m));
    env.put("DOVETAIL_SNAPSHOT_GENERATION", Long.toString(generation(m)));
    if (settings.getLockWaitTimeout() != null) {
      env.put(
          "DOVETAIL_SNAPSHOT_LOCK_WAIT_MS",
          Long.toString(Durations.parse(settings.getLockWaitTimeout()).toMillis()));
    }
    Job job =
        WorkerJobs.build(
            m, ROLE, "g" + generation(m), config, m.getSpec().getDatabase().getSecretRef(), env);
    var pod = job.getSpec().getTemplate().getSpec();
    pod.setSecurityContext(
        new PodSecurityContextBuilder(pod.getSecurityContext()).withFsGroup(65532L).build());
    pod.getVolumes()
        .add(
            new VolumeBuilder()
                .withName("snapshot")
                .withNewPersistentVolumeClaim()
                .withClaimName(settings.getPersistentVolumeClaimName())
                .endPersistentVolumeClaim()
                .build());
    var container = pod.getContainers().get(0);
    container
        .getVolumeMounts()
        .add(new VolumeMountBuilder().withName("snapshot").withMountPath(MOUNT).build());
    if (settings.getImage() != null && !settings.getImage().isBlank()) {
      container.setImage(settings.getImage());
    }
    return job;
  }
}
