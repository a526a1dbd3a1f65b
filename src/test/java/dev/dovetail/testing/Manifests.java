package dev.dovetail.testing;

import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.DatabaseRef;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RenameColumn;
import dev.dovetail.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Consumer;

/** Builds and applies the resources a scenario needs, as a user's manifests would. */
public final class Manifests {
  private Manifests() {}

  public static void namespaceWithDatabaseSecret(
      KubernetesClient client, String namespace, String secret, String uri) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .createOr(n -> n.update());
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(secret)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("uri", uri)
                .build())
        .createOr(s -> s.update());
  }

  /** A PersistentVolumeClaim as a user would create it for spec.snapshot (no provisioner here). */
  public static void persistentVolumeClaim(KubernetesClient client, String namespace, String name) {
    client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .createOr(c -> c.update());
  }

  /** A DatabaseMigration renaming public.table.from → to, phase Expand, default settings. */
  public static DatabaseMigration rename(
      String namespace, String name, String secret, String table, String from, String to) {
    var spec = new DatabaseMigrationSpec();
    spec.setDatabase(new DatabaseRef(new SecretKeyRef(secret, "uri")));
    spec.setPhase(MigrationPhase.Expand);
    spec.setOperations(
        new java.util.ArrayList<>(
            List.of(Operation.renameColumn(new RenameColumn("public", table, from, to)))));
    var m = new DatabaseMigration();
    m.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    m.setSpec(spec);
    return m;
  }

  /** A DatabaseMigration with these operations, phase Expand, default settings. */
  public static DatabaseMigration migration(
      String namespace, String name, String secret, Operation... operations) {
    var spec = new DatabaseMigrationSpec();
    spec.setDatabase(new DatabaseRef(new SecretKeyRef(secret, "uri")));
    spec.setPhase(MigrationPhase.Expand);
    spec.setOperations(new java.util.ArrayList<>(List.of(operations)));
    var m = new DatabaseMigration();
    m.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    m.setSpec(spec);
    return m;
  }

  public static DatabaseMigration create(KubernetesClient client, DatabaseMigration m) {
    return client.resources(DatabaseMigration.class).resource(m).create();
  }

  /** Changes the spec the way a new commit applied by Argo CD would. */
  public static DatabaseMigration editSpec(
      KubernetesClient client,
      String namespace,
      String name,
      Consumer<DatabaseMigrationSpec> edit) {
    // The operator patches status concurrently; like kubectl, retry on a stale resourceVersion.
    for (int attempt = 1; ; attempt++) {
      try {
        return client
            .resources(DatabaseMigration.class)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                m -> {
                  edit.accept(m.getSpec());
                  return m;
                });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  public static DatabaseMigration get(KubernetesClient client, String namespace, String name) {
    return client.resources(DatabaseMigration.class).inNamespace(namespace).withName(name).get();
  }
}
