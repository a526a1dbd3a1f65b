package dev.dovetail.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL 15 server inside the cluster (Deployment + Service named {@code name} in the
 * namespace {@value #NAMESPACE}), with wal_level=logical so the DualWriteCutover sample can
 * replicate from it. {@link #PRIMARY} holds the fixture every sample expects; {@link #TARGET} is a
 * second, empty server the cutover moves tables to. Databases are created by running psql in the
 * server's pod, so the test needs no network path into the cluster.
 */
final class ClusterPostgres {
  static final String NAMESPACE = "dovetail-e2e-db";
  static final String TEMPLATE = "fixture";
  private static final String PASSWORD = "dovetail-e2e";

  static final ClusterPostgres PRIMARY = new ClusterPostgres("postgres");
  static final ClusterPostgres TARGET = new ClusterPostgres("postgres-target");

  private final String name;

  private ClusterPostgres(String name) {
    this.name = name;
  }

  /** The libpq URI a Secret in any namespace hands to the operator and its Jobs. */
  String uri(String database) {
    return "postgresql://postgres:%s@%s.%s.svc.cluster.local:5432/%s"
        .formatted(PASSWORD, name, NAMESPACE, database);
  }

  /** The namespace (once) and the fixture ConfigMap both servers mount. */
  static void prepare(K3sCluster cluster) throws IOException {
    String fixture;
    try (InputStream in = ClusterPostgres.class.getResourceAsStream("/e2e/fixture.sql")) {
      fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    var client = cluster.client();
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(NAMESPACE)
                .endMetadata()
                .build())
        .create();
    client
        .configMaps()
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("fixture")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToData("fixture.sql", fixture)
                .build())
        .create();
  }

  /** Deployment and Service from postgres.yaml under this server's name; waits until ready. */
  void start(K3sCluster cluster) throws IOException, InterruptedException {
    String manifest;
    try (InputStream in = ClusterPostgres.class.getResourceAsStream("/e2e/postgres.yaml")) {
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("SERVER_NAME", name);
    }
    cluster
        .client()
        .load(new java.io.ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)))
        .inNamespace(NAMESPACE)
        .create();
    cluster.kubectl("-n", NAMESPACE, "rollout", "status", "deployment/" + name, "--timeout=300s");
  }

  /** The template database with the fixture's tables and rows. */
  void loadFixture(K3sCluster cluster) throws IOException, InterruptedException {
    psql(cluster, "postgres", "CREATE DATABASE " + TEMPLATE);
    cluster.kubectl(
        "-n",
        NAMESPACE,
        "exec",
        "deployment/" + name,
        "--",
        "psql",
        "-U",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        "-d",
        TEMPLATE,
        "-f",
        "/fixture/fixture.sql");
  }

  /** A copy of the fixture (users, orders and their rows). */
  void createFromFixture(K3sCluster cluster, String database)
      throws IOException, InterruptedException {
    psql(cluster, "postgres", "CREATE DATABASE \"" + database + "\" TEMPLATE " + TEMPLATE);
  }

  /** An empty database (a cutover's target). */
  void createEmpty(K3sCluster cluster, String database) throws IOException, InterruptedException {
    psql(cluster, "postgres", "CREATE DATABASE \"" + database + "\"");
  }

  private void psql(K3sCluster cluster, String database, String sql)
      throws IOException, InterruptedException {
    cluster.kubectl(
        "-n",
        NAMESPACE,
        "exec",
        "deployment/" + name,
        "--",
        "psql",
        "-U",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        "-d",
        database,
        "-c",
        sql);
  }
}
