package dev.dovetail.postgres.cutover;

import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.postgres.ExclusiveLocks;
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
 *
 * <p>Both connections start with {@link ExclusiveLocks#READ_LOCK_TIMEOUT}: reading a table's shape
 * (pg_get_expr opens the table) or publishing it would otherwise queue behind a user's ACCESS
 * EXCLUSIVE lock for as long as it lasts, and the reconcile with it. What must wait for its locks
 * (replication plumbing, foreign keys, the write switch) runs {@link #waitingForLocks}.
 */
public final class CutoverDatabase implements AutoCloseable {
  private static final String APP = "dovetail-cutover";

  private final Connection source;
  private final Connection target;
  private final PgUri sourceUri;
  private final PgUri targetUri;
  private final CutoverNames names;

  private CutoverDatabase(
      Connection source, Connection target, PgUri sourceUri, PgUri targetUri, CutoverNames names) {
    this.source = source;
    this.target = target;
    this.sourceUri = sourceUri;
    this.targetUri = targetUri;
    this.names = names;
  }

  public static CutoverDatabase open(String sourceUri, String targetUri, CutoverNames names)
      throws SQLException {
    return open(PgUri.parse(sourceUri), PgUri.parse(targetUri), names);
  }

  /** Opens both sides; a failure names the side (spec.source or spec.target), never a password. */
  public static CutoverDatabase open(PgUri source, PgUri target, CutoverNames names)
      throws SQLException {
    Connection src = connect(source, "spec.source");
    try {
      return new CutoverDatabase(src, connect(target, "spec.target"), source, target, names);
    } catch (SQLException e) {
      src.close();
      throw e;
    }
  }

  private static Connection connect(PgUri uri, String field) throws SQLException {
    try {
      return uri.connect(APP, ExclusiveLocks.READ_LOCK_TIMEOUT);
    } catch (SQLException e) {
      throw new SQLException(
          field + ": cannot connect to " + uri.redacted() + ": " + e.getMessage(),
          e.getSQLState(),
          e);
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

  /**
   * Where each foreign key of the moved tables on the source stands on the target (pending, NOT
   * VALID, validated, or not created because it references a table outside the move).
   */
  public List<ForeignKeyState> foreignKeys(List<QualifiedTable> tables) throws SQLException {
    return ForeignKeys.states(source, target, tables);
  }

  /**
   * Adds on the target, NOT VALID, each source foreign key among the moved tables that it lacks;
   * called once the copy is done. Replication's apply does not check them (it runs as
   * session_replication_role = replica), every other write on the target does.
   *
   * @return the keys added now
   */
  public List<ForeignKeyState> addForeignKeys(List<QualifiedTable> tables) throws SQLException {
    return waitingForLocks(() -> ForeignKeys.addMissing(source, target, tables));
  }

  /**
   * Adds what is missing, then validates every foreign key the source holds validated: the target
   * enforces them for every row before it takes writes. Fails naming a key that rows break.
   *
   * @return the keys validated now
   */
  public List<ForeignKeyState> validateForeignKeys(List<QualifiedTable> tables)
      throws SQLException {
    return waitingForLocks(
        () -> {
          ForeignKeys.addMissing(source, target, tables);
          return ForeignKeys.validate(source, target, tables);
        });
  }

  /** The dovetail schema's tables: copy ranges and verification rounds, the heartbeat. */
  public void ensureBookkeeping() throws SQLException {
    Transactions.inOne(source, Bookkeeping.SOURCE);
    Transactions.inOne(target, Bookkeeping.TARGET);
  }

  /** The publication of the tables (and the heartbeat) on the source. */
  public void ensurePublication(List<QualifiedTable> tables) throws SQLException {
    // CREATE PUBLICATION takes SHARE UPDATE EXCLUSIVE, which an autovacuum holds for longer than
    // the read timeout; the shapes read just before gave up already if a user holds the table.
    waitingForLocks(
        () -> {
          Replication.ensurePublication(source, names.publication(), tables);
          return null;
        });
  }

  /**
   * The subscription on the target that streams from the slot the copy created, without copying
   * data again. The source's password is stored in the target's catalog (pg_subscription, readable
   * by superusers only): logical replication has no other way to authenticate.
   */
  public void ensureSubscription() throws SQLException {
    waitingForLocks(
        () -> {
          Replication.ensureSubscription(
              target, names.subscription(), sourceUri, names.publication(), names.slot());
          return null;
        });
  }

  public void setSubscriptionEnabled(boolean enabled) throws SQLException {
    waitingForLocks(
        () -> {
          Replication.setEnabled(target, names.subscription(), enabled);
          return null;
        });
  }

  /**
   * Writes this cutover's heartbeat row on the side that takes writes: the source, or the target
   * once writes moved there ({@code reverse}) and replication runs target to source.
   */
  public void writeHeartbeat(boolean reverse) throws SQLException {
    Heartbeat.write(reverse ? target : source, names.key());
  }

  /**
   * Both lag measures of the running direction now; call {@link #writeHeartbeat(boolean)} first for
   * a fresh end-to-end value.
   */
  public LagReading lag(boolean reverse) throws SQLException {
    if (reverse) {
      return new LagReading(
          Replication.slotLagBytes(target, names.reverseSlot()),
          Heartbeat.lag(target, source, names.key()),
          Replication.enabled(source, names.reverseSubscription()),
          java.time.Instant.now());
    }
    return new LagReading(
        Replication.slotLagBytes(source, names.slot()),
        Heartbeat.lag(source, target, names.key()),
        Replication.enabled(target, names.subscription()),
        java.time.Instant.now());
  }

  /**
   * A barrier: true once the other side has applied everything the side that takes writes committed
   * before this call (a heartbeat written now has arrived); false after {@code timeout}.
   */
  public boolean awaitApplied(boolean reverse, java.time.Duration timeout) throws SQLException {
    return WriteSwitch.barrier(
        reverse ? target : source,
        reverse ? source : target,
        names.key(),
        java.time.Instant.now().plus(timeout));
  }

  public void writeHeartbeat() throws SQLException {
    writeHeartbeat(false);
  }

  public LagReading lag() throws SQLException {
    return lag(false);
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
   * heartbeat row and bookkeeping rows. Never a user table, row or foreign key.
   */
  public void cleanup() throws SQLException {
    waitingForLocks(
        () -> {
          dropAll();
          return null;
        });
  }

  private void dropAll() throws SQLException {
    Replication.dropSubscription(target, names.subscription());
    Replication.dropSubscription(source, names.reverseSubscription());
    Replication.dropSlot(source, names.slot());
    Replication.dropSlot(target, names.reverseSlot());
    Replication.dropPublication(source, names.publication());
    Replication.dropPublication(target, names.reversePublication());
    WriteGuard.remove(source, names);
    WriteGuard.remove(target, names);
    Heartbeat.remove(source, names.key());
    Heartbeat.remove(target, names.key());
    Bookkeeping.forget(target, names.key());
  }

  /**
   * Whether replication of this cutover runs in either direction: the target's subscription
   * (created once the copy succeeded) or, after the write switch, the source's.
   */
  public boolean subscribed() throws SQLException {
    return Replication.exists(
            target, "SELECT 1 FROM pg_subscription WHERE subname = ?", names.subscription())
        || Replication.exists(
            source, "SELECT 1 FROM pg_subscription WHERE subname = ?", names.reverseSubscription());
  }

  /** The ordinary and partitioned tables of a schema on the source, for spec.schema, by name. */
  public List<QualifiedTable> tablesInSchema(String schema) throws SQLException {
    var tables = new ArrayList<QualifiedTable>();
    try (var ps =
        source.prepareStatement(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                + " ORDER BY c.relname")) {
      ps.setString(1, schema);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(new QualifiedTable(schema, rs.getString(1)));
        }
      }
    }
    return tables;
  }

  /** Work on the connections that may throw what JDBC throws. */
  interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} with both connections' lock_timeout off, as statements that must wait for
   * their locks (dropping a subscription waits for its worker, adding a key for the writers of the
   * moment) did before the short read timeout; RESET brings the short one back afterwards.
   */
  <T> T waitingForLocks(Work<T> work) throws SQLException {
    setLockTimeout("SET lock_timeout = 0");
    T result;
    try {
      result = work.run();
    } catch (SQLException | RuntimeException e) {
      try {
        setLockTimeout("RESET lock_timeout");
      } catch (SQLException notReset) {
        e.addSuppressed(notReset); // the work's failure is what status must say
      }
      throw e;
    }
    setLockTimeout("RESET lock_timeout");
    return result;
  }

  private void setLockTimeout(String sql) throws SQLException {
    for (Connection c : List.of(source, target)) {
      try (var st = c.createStatement()) {
        st.execute(sql);
      }
    }
  }

  /**
   * After a statement gave up at the short lock_timeout ({@code what}: "a read", "step SETUP"):
   * which sessions hold ACCESS EXCLUSIVE on the source and on the target, for status (pid, state,
   * start, application, the first characters of their query; never a row).
   */
  public String lockWaitMessage(String what, String consequence) throws SQLException {
    var sides = new ArrayList<String>();
    List<String> onSource = ExclusiveLocks.holders(source);
    if (!onSource.isEmpty()) {
      sides.add("on the source (spec.source) ACCESS EXCLUSIVE " + String.join("; ", onSource));
    }
    List<String> onTarget = ExclusiveLocks.holders(target);
    if (!onTarget.isEmpty()) {
      sides.add("on the target (spec.target) ACCESS EXCLUSIVE " + String.join("; ", onTarget));
    }
    return what
        + " of the operator waited "
        + Durations.format(ExclusiveLocks.READ_LOCK_TIMEOUT)
        + " for a lock and gave up; "
        + (sides.isEmpty()
            ? "the holder finished before it could be named"
            : String.join("; ", sides))
        + ". "
        + consequence;
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

  PgUri sourceUri() {
    return sourceUri;
  }

  PgUri targetUri() {
    return targetUri;
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
