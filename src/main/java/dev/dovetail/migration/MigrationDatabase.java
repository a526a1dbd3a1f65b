package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.kube.SecretKeys;
import dev.dovetail.postgres.ExclusiveLocks;
import dev.dovetail.postgres.PgUri;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection of one reconcile pass, opened from the Secret the spec names. When it cannot be
 * opened, {@link #unreachable()} says why, naming the field and never the credentials.
 */
final class MigrationDatabase implements AutoCloseable {
  static final String APPLICATION_NAME = "dovetail-operator";

  private final Connection connection;
  private final String unreachable;

  private MigrationDatabase(Connection connection, String unreachable) {
    this.connection = connection;
    this.unreachable = unreachable;
  }

  static MigrationDatabase open(KubernetesClient client, DatabaseMigration m) {
    var spec = m.getSpec();
    if (spec == null || spec.getDatabase() == null || spec.getDatabase().getSecretRef() == null) {
      return new MigrationDatabase(null, null);
    }
    String uri;
    try {
      uri =
          SecretKeys.read(
              client,
              m.getMetadata().getNamespace(),
              spec.getDatabase().getSecretRef(),
              "spec.database.secretRef");
    } catch (IllegalStateException e) {
      return new MigrationDatabase(null, e.getMessage());
    }
    PgUri parsed;
    try {
      parsed = PgUri.parse(uri);
    } catch (IllegalArgumentException e) {
      return new MigrationDatabase(
          null,
          "spec.database.secretRef: the Secret's value is not a PostgreSQL URI: " + e.getMessage());
    }
    try {
      return new MigrationDatabase(
          parsed.connect(APPLICATION_NAME, ExclusiveLocks.READ_LOCK_TIMEOUT), null);
    } catch (SQLException e) {
      return new MigrationDatabase(
          null, "spec.database: cannot connect to " + parsed.redacted() + ": " + e.getMessage());
    }
  }

  Connection connection() {
    return connection;
  }

  String unreachable() {
    return unreachable;
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }
}
