package dev.dovetail.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One PostgreSQL 15 server inside the cluster (Deployment + Service in its own namespace), with
 * wal_level=logical so the DualWriteCutover sample has what it needs. Databases are created by
 * running psql in the server's pod, so the test needs no network path into the cluster.
 */
final class ClusterPostgres {
  static final String NAMESPACE = "dovetail-e2e-db";
  static final String TEMPLATE = "fixture";
  private static final String PASSWORD = "dovetail-e2e";
  private static final String HOST = "postgres." + NAMESPACE + ".svc.cluster.local";

  private final K3sCluster cluster;

  ClusterPostgres(K3sCluster cluster) {
    this.cluster = cluster;
  }

  /** The libpq URI a Secret in any namespace hands to the operator and its Jobs. */
  static String uri(String database) {
    return "postgresql://postgres:" + PASSWORD + "@" + HOST + ":5432/" + database;
  }

  void start() throws IOException, InterruptedException {
    String fixture;
    try (InputStream in = ClusterPostgres.class.getResourceAsStream("/e2e/fixture.sql")) {
      fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    var configMap =
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata()
            .withName("fixture")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .addToData("fixture.sql", fixture)
            .build();
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
    client.configMaps().resource(configMap).create();
    client
        .load(ClusterPostgres.class.getResourceAsStream("/e2e/postgres.yaml"))
        .inNamespace(NAMESPACE)
        .create();
    cluster.kubectl("-n", NAMESPACE, "rollout", "status", "deployment/postgres", "--timeout=300s");
    psql("postgres", "CREATE DATABASE " + TEMPLATE);
    cluster.kubectl(
        "-n",
        NAMESPACE,
        "exec",
        "deployment/postgres",
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
  void createFromFixture(String database) throws IOException, InterruptedException {
    psql("postgres", "CREATE DATABASE \"" + database + "\" TEMPLATE " + TEMPLATE);
  }

  /** An empty database (a cutover's target). */
  void createEmpty(String database) throws IOException, InterruptedException {
    psql("postgres", "CREATE DATABASE \"" + database + "\"");
  }

  private void psql(String database, String sql) throws IOException, InterruptedException {
    cluster.kubectl(
        "-n",
        NAMESPACE,
        "exec",
        "deployment/postgres",
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
