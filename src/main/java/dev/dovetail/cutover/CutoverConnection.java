package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DatabaseRef;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.kube.SecretKeys;
import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.cutover.CutoverDatabase;
import dev.dovetail.postgres.cutover.CutoverNames;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.SQLException;

/**
 * Opens a pass's {@link CutoverDatabase} from the Secrets the spec names. When it cannot, {@link
 * #unreachable()} says why, naming the field and never the credentials.
 */
final class CutoverConnection implements AutoCloseable {
  private final CutoverDatabase db;
  private final String unreachable;
  private final boolean credentialsUnreadable;

  private CutoverConnection(CutoverDatabase db, String unreachable, boolean credentialsUnreadable) {
    this.db = db;
    this.unreachable = unreachable;
    this.credentialsUnreadable = credentialsUnreadable;
  }

  static CutoverConnection open(KubernetesClient client, DualWriteCutover cutover) {
    String ns = cutover.getMetadata().getNamespace();
    PgUri source;
    PgUri target;
    try {
      source = uri(client, ns, cutover.getSpec().getSource(), "spec.source.secretRef");
      target = uri(client, ns, cutover.getSpec().getTarget(), "spec.target.secretRef");
    } catch (IllegalStateException e) {
      return new CutoverConnection(null, e.getMessage(), true);
    }
    try {
      return new CutoverConnection(
          CutoverDatabase.open(
              source, target, CutoverNames.of(ns, cutover.getMetadata().getName())),
          null,
          false);
    } catch (SQLException e) {
      return new CutoverConnection(null, e.getMessage(), false);
    }
  }

  private static PgUri uri(KubernetesClient client, String ns, DatabaseRef ref, String field) {
    String text = SecretKeys.read(client, ns, ref.getSecretRef(), field);
    try {
      return PgUri.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          field + ": the Secret's value is not a PostgreSQL URI: " + e.getMessage());
    }
  }

  CutoverDatabase db() {
    return db;
  }

  String unreachable() {
    return unreachable;
  }

  /**
   * The Secrets could not be read (gone, or holding no URI): unlike a refused connection, waiting
   * does not help.
   */
  boolean credentialsUnreadable() {
    return credentialsUnreadable;
  }

  @Override
  public void close() {
    if (db != null) {
      db.close();
    }
  }
}
