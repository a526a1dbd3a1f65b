package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.PgUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the DualWriteCutover controller asks of the source and the target database. Holds one
 * connection to each (autocommit); every method is idempotent, so a reconcile that dies half-way is
 * repeated safely.
 */
public final class CutoverDatabase implements AutoCloseable {
  private static final String APP = "dovetail-cutover";

  private final Connection source;
  private final Connection target;
  private final PgUri sourceUri;
  private final CutoverNames names;

  private CutoverDatabase(
      Connection source, Connection target, PgUri sourceUri, CutoverNames names) {
    this.source = source;
    this.target = target;
    this.sourceUri = sourceUri;
    this.names = names;
  }

  public static CutoverDatabase open(String sourceUri, String targetUri, CutoverNames names)
      throws SQLException {
    PgUri src = PgUri.parse(sourceUri);
    Connection source = src.connect(APP);
    try {
      return new CutoverDatabase(source, PgUri.parse(targetUri).connect(APP), src, names);
    } catch (SQLException e) {
      source.close();
      throw e;
    }
  }

  /**
   * Creates on the target every listed table that is absent there (columns, keys, indexes,
   * sequences; no rows). Refuses, before creating anything, a table missing on the source, one
   * without a primary key, and a target table whose columns differ from the source's.
   */
  public SchemaReport ensureTargetSchema(List<QualifiedTable> tables)
      throws SQLException, CutoverProblem {
    var toCreate = new ArrayList<TableShape>();
    var existing = new ArrayList<QualifiedTable>();
    for (int i = 0; i < tables.size(); i++) {
      QualifiedTable table = tables.get(i);
      String field = "spec.tables[" + i + "]";
      TableShape shape =
          TableShape.read(source, table)
              .orElseThrow(
                  () ->
                      new CutoverProblem(
                          field, "table " + table + " does not exist on the source"));
      if (shape.primaryKey().isEmpty()) {
        throw new CutoverProblem(
            field,
            "table "
                + table
                + " has no primary key: rows could not be copied by key ranges, replicated or"
                + " compared");
      }
      var onTarget = TableShape.read(target, table);
      if (onTarget.isEmpty()) {
        toCreate.add(shape);
      } else if (!onTarget.get().columnSignature().equals(shape.columnSignature())) {
        throw new CutoverProblem(
            field,
            "table "
                + table
                + " exists on the target with other columns (target: "
                + onTarget.get().columnSignature()
                + "; source: "
                + shape.columnSignature()
                + ")");
      } else {
        existing.add(table);
      }
    }
    for (TableShape shape : toCreate) {
      Transactions.inOne(target, shape.createStatements());
    }
    return new SchemaReport(toCreate.stream().map(TableShape::table).toList(), existing);
  }

  /** The dovetail schema's tables: copy ranges and verification rounds, the heartbeat. */
  public void ensureBookkeeping() throws SQLException {
    Transactions.inOne(source, Bookkeeping.SOURCE);
    Transactions.inOne(target, Bookkeeping.TARGET);
  }

  /** The publication of the tables (and the heartbeat) on the source. */
  public void ensurePublication(List<QualifiedTable> tables) throws SQLException {
    Replication.ensurePublication(source, names.publication(), tables);
  }

  /**
   * The subscription on the target that streams from the slot the copy created, without copying
   * data again. The source's password is stored in the target's catalog (pg_subscription, readable
   * by superusers only): logical replication has no other way to authenticate.
   */
  public void ensureSubscription() throws SQLException {
    Replication.ensureSubscription(
        target, names.subscription(), sourceUri, names.publication(), names.slot());
  }

  public void setSubscriptionEnabled(boolean enabled) throws SQLException {
    Replication.setEnabled(target, names.subscription(), enabled);
  }

  /** Writes this cutover's heartbeat row on the source (replicated to the target). */
  public void writeHeartbeat() throws SQLException {
    Heartbeat.write(source, names.key());
  }

  /** Both lag measures now; call {@link #writeHeartbeat()} first for a fresh end-to-end value. */
  public LagReading lag() throws SQLException {
    return new LagReading(
        Replication.slotLagBytes(source, names.slot()),
        Heartbeat.lag(source, target, names.key()),
        Replication.enabled(target, names.subscription()),
        java.time.Instant.now());
  }

  /**
   * The latest finished verification round of this cutover (a round still running is not reported);
   * empty before the first one finished or before the bookkeeping tables exist.
   */
  public Optional<VerificationRound> latestVerification() throws SQLException {
    return BookkeepingReads.latestVerification(target, names.key());
  }

  /** The initial copy's ranges done and planned, and rows copied; zeros before it planned any. */
  public CopyProgress copyProgress() throws SQLException {
    return BookkeepingReads.copyProgress(target, names.key());
  }

  /**
   * Drops what this cutover created in both directions: subscriptions, slots, publications, its
   * heartbeat row and bookkeeping rows. Never a user table or a user row.
   */
  public void cleanup() throws SQLException {
    Replication.dropSubscription(target, names.subscription());
    Replication.dropSubscription(source, names.reverseSubscription());
    Replication.dropSlot(source, names.slot());
    Replication.dropSlot(target, names.reverseSlot());
    Replication.dropPublication(source, names.publication());
    Replication.dropPublication(target, names.reversePublication());
    Heartbeat.remove(source, names.key());
    Heartbeat.remove(target, names.key());
    Bookkeeping.forget(target, names.key());
  }

  /** The connections, for the workers and the write switch of this package. */
  Connection source() {
    return source;
  }

  Connection target() {
    return target;
  }

  CutoverNames names() {
    return names;
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (SQLException ignored) {
      // closing: nothing left to protect
    }
    try {
      target.close();
    } catch (SQLException ignored) {
      // closing: nothing left to protect
    }
  }
}
