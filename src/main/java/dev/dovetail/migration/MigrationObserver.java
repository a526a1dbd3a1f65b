package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationSpec;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.kube.Conditions;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.migration.MigrationObservation.ExpandDeadline;
import dev.dovetail.postgres.Blocker;
import dev.dovetail.postgres.Bookkeeping;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ExclusiveLocks;
import dev.dovetail.postgres.LongTransactions;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.OperationStates;
import dev.dovetail.postgres.ReplicationLag;
import dev.dovetail.postgres.SpaceEstimate;
import dev.dovetail.postgres.VerificationRecord;
import dev.dovetail.postgres.change.ChangeResolver;
import dev.dovetail.postgres.change.DesiredChange;
import dev.dovetail.postgres.change.SchemaChange;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the facts of one pass: spec problems, the catalog, the bookkeeping rows, replica lag and
 * the worker Jobs. It changes nothing in the user's schema; measuring lag writes one row into
 * Dovetail's own bookkeeping table, and only once the spec is known to be valid.
 */
final class MigrationObserver {

  /**
   * @param connection null when the database could not be reached
   * @param unreachable why not, naming the field; null when connected
   * @param jobs the migration's Jobs by name, from the informer cache
   */
  MigrationObservation observe(
      DatabaseMigration m,
      Connection connection,
      String unreachable,
      Function<String, Job> jobs,
      Instant now)
      throws SQLException {
    return observe(m, connection, unreachable, jobs, SnapshotLookup.NONE, now);
  }

  /**
   * @param snapshots the migration's VolumeSnapshots and PVCs by name (read only when spec.snapshot
   *     asks for one and DDL is left to run)
   */
  MigrationObservation observe(
      DatabaseMigration m,
      Connection connection,
      String unreachable,
      Function<String, Job> jobs,
      SnapshotLookup snapshots,
      Instant now)
      throws SQLException {
    List<String> specProblems = MigrationValidator.validate(m.getSpec());
    if (!specProblems.isEmpty() || connection == null) {
      return MigrationObservation.specOnly(now, specProblems, Unreadable.unreachable(unreachable));
    }
    try {
      return observeDatabase(m, connection, jobs, snapshots, now);
    } catch (SQLException e) {
      if (!ExclusiveLocks.isLockTimeout(e)) {
        throw e;
      }
      List<String> holders = ExclusiveLocks.holders(connection);
      return MigrationObservation.specOnly(
          now,
          List.of(),
          Unreadable.lockWait(
              "the operator's read of the catalog waited "
                  + Durations.format(ExclusiveLocks.READ_LOCK_TIMEOUT)
                  + " for a lock and gave up; "
                  + (holders.isEmpty()
                      ? "the holder finished before it could be named"
                      : "ACCESS EXCLUSIVE " + String.join("; ", holders))
                  + ". Nothing was changed; looked at again shortly"));
    }
  }

  private MigrationObservation observeDatabase(
      DatabaseMigration m,
      Connection connection,
      Function<String, Job> jobs,
      SnapshotLookup snapshots,
      Instant now)
      throws SQLException {
    DatabaseMigrationSpec spec = m.getSpec();
    String key = MigrationJobs.migrationKey(m);
    var catalog = new Catalog(connection);
    boolean installed = catalog.table("dovetail", "operations").isPresent();
    Map<String, OperationRecord> recorded = new LinkedHashMap<>();
    if (installed) {
      Bookkeeping.operations(connection, key).forEach(r -> recorded.put(r.operationId(), r));
    }
    var resolver = new ChangeResolver(connection);
    var resolution = resolver.resolve(spec.getOperations(), spec.isAllowRawSql(), recorded);
    var desired = resolution.changes();
    var desiredIds = desired.stream().map(DesiredChange::id).toList();
    var deadline = deadline(m, connection, key, installed);
    Map<String, Optional<SchemaChange>> rollbackable = new LinkedHashMap<>();
    for (var r : recorded.values()) {
      boolean undoing =
          !desiredIds.contains(r.operationId())
              || isAbandon(spec)
              || deadline.passed(now)
              || OperationStates.ROLLING_BACK.equals(r.state());
      if (undoing && !ChangeResolver.isFinal(r)) {
        rollbackable.put(r.operationId(), resolver.forRollback(r));
      }
    }
    if (!resolution.problems().isEmpty()) {
      return new MigrationObservation(
          now,
          null,
          resolution.problems(),
          desired,
          recorded,
          rollbackable,
          null,
          Durations.parse(spec.getGates().getMaxReplicationLag()),
          Durations.parse(spec.getGates().getMinExpandDuration()),
          installed,
          false,
          null,
          null,
          List.of(),
          List.of(),
          Durations.parse(spec.getCleanupAfter()));
    }
    String backfillHash = MigrationJobs.backfillHash(spec, desired);
    JobView backfill = view(m, MigrationJobs.BACKFILL, backfillHash, jobs);
    JobView verify =
        view(m, MigrationJobs.VERIFY, MigrationJobs.verifyHash(desired, backfill.name()), jobs);
    var verification = new ArrayList<VerificationRecord>();
    if (installed) {
      for (var d : desired) {
        if (d.change() != null) {
          Bookkeeping.verification(connection, key, d.id(), verify.name())
              .ifPresent(verification::add);
        }
      }
    }
    return new MigrationObservation(
        now,
        null,
        List.of(),
        desired,
        recorded,
        rollbackable,
        isAbandon(spec) ? null : ReplicationLag.measure(connection),
        Durations.parse(spec.getGates().getMaxReplicationLag()),
        Durations.parse(spec.getGates().getMinExpandDuration()),
        installed,
        installed && Bookkeeping.paused(connection, key),
        backfill,
        verify,
        installed
            ? onlyDesired(Bookkeeping.backfillProgress(connection, key), desiredIds)
            : List.of(),
        verification,
        Durations.parse(spec.getCleanupAfter()),
        claims(connection, key, desired),
        deadline,
        longTransactions(spec, connection, ddlAhead(spec, desired, recorded)),
        spaceNeeded(connection, ddlAhead(spec, desired, recorded)),
        snapshot(m, connection, desired, recorded, jobs, snapshots));
  }

  /** The disk each operation still to expand will write (estimated; see SpaceEstimate). */
  private static Map<String, SpaceEstimate> spaceNeeded(Connection c, List<DesiredChange> ahead)
      throws SQLException {
    var space = new LinkedHashMap<String, SpaceEstimate>();
    for (var d : ahead) {
      var need = d.change().spaceNeed();
      if (need.isPresent()) {
        space.put(d.label(), SpaceEstimate.of(c, need.get()));
      }
    }
    return space;
  }

  /**
   * The operations the pre-checks look at: those that still have forward DDL to run on their table
   * (not yet expanded, or about to contract); none under Abandon (rollback is never held).
   */
  private static List<DesiredChange> ddlAhead(
      DatabaseMigrationSpec spec,
      List<DesiredChange> desired,
      Map<String, OperationRecord> recorded) {
    if (isAbandon(spec)) {
      return List.of();
    }
    boolean contract = spec.getPhase() == dev.dovetail.api.v1alpha1.MigrationPhase.Contract;
    return desired.stream()
        .filter(d -> d.change() != null && d.change().lockedTable() != null)
        .filter(d -> ddlAhead(recorded.get(d.id()), contract))
        .toList();
  }

  /** The pre-check report before DDL (it blocks nothing). */
  private static List<Blocker> longTransactions(
      DatabaseMigrationSpec spec, Connection c, List<DesiredChange> ahead) throws SQLException {
    Duration threshold = Durations.parse(spec.getGates().getLongTransactionWarning());
    if (threshold.isZero()) {
      return List.of();
    }
    List<String> tables = ahead.stream().map(d -> d.change().lockedTable()).distinct().toList();
    return LongTransactions.holdingLocksOn(c, tables, threshold);
  }

  private static boolean ddlAhead(OperationRecord r, boolean contract) {
    String state = r == null ? null : r.state();
    if (state == null || OperationStates.EXPANDING.equals(state)) {
      return true;
    }
    return contract
        && (OperationStates.VALIDATED.equals(state) || OperationStates.CONTRACTING.equals(state));
  }

  /**
   * The snapshot of this generation, looked at only while an operation is still to be expanded:
   * once expand ran, a later generation (Contract, a paused flip) takes none.
   */
  private static SnapshotView snapshot(
      DatabaseMigration m,
      Connection connection,
      List<DesiredChange> desired,
      Map<String, OperationRecord> recorded,
      Function<String, Job> jobs,
      SnapshotLookup snapshots)
      throws SQLException {
    if (m.getSpec().getSnapshot() == null
        || m.getSpec().getPhase() != dev.dovetail.api.v1alpha1.MigrationPhase.Expand) {
      return null;
    }
    boolean ddlLeft =
        desired.stream()
            .filter(d -> d.change() != null)
            .map(d -> recorded.get(d.id()))
            .anyMatch(r -> r == null || OperationStates.EXPANDING.equals(r.state()));
    return ddlLeft ? MigrationSnapshots.observe(m, connection, jobs, snapshots) : null;
  }

  /**
   * spec.timeout of the expand. Whether this generation already timed out is remembered in status
   * (the rollback released the claims, so the database no longer knows when it started).
   */
  private static ExpandDeadline deadline(
      DatabaseMigration m, Connection c, String key, boolean installed) throws SQLException {
    Duration timeout = Durations.parse(m.getSpec().getTimeout());
    boolean before =
        m.getStatus() != null
            && Conditions.find(m.getStatus().getConditions(), ConditionTypes.READY)
                .filter(r -> Reasons.EXPAND_TIMED_OUT.equals(r.getReason()))
                .filter(
                    r ->
                        java.util.Objects.equals(
                            r.getObservedGeneration(), m.getMetadata().getGeneration()))
                .isPresent();
    Instant started = installed ? Bookkeeping.claimedAt(c, key).orElse(null) : null;
    return new ExpandDeadline(timeout, started, before);
  }

  /** Who holds the tables the desired operations lock (read-only: claiming is an act). */
  private static TableClaims claims(Connection c, String key, List<DesiredChange> desired)
      throws SQLException {
    List<String> wanted =
        desired.stream()
            .filter(d -> d.change() != null && d.change().lockedTable() != null)
            .map(d -> d.change().lockedTable())
            .distinct()
            .toList();
    return new TableClaims(wanted, Bookkeeping.claims(c, wanted), key);
  }

  private static List<dev.dovetail.postgres.BackfillProgress> onlyDesired(
      List<dev.dovetail.postgres.BackfillProgress> progress, List<String> ids) {
    return progress.stream().filter(p -> ids.contains(p.operationId())).toList();
  }

  private static boolean isAbandon(DatabaseMigrationSpec spec) {
    return spec.getPhase() == dev.dovetail.api.v1alpha1.MigrationPhase.Abandon;
  }

  private static JobView view(
      DatabaseMigration m, String role, String hash, Function<String, Job> jobs) {
    String name = MigrationJobs.name(m, role, hash);
    Job job = jobs.apply(name);
    JobOutcome outcome = JobOutcome.of(job);
    return new JobView(
        role,
        name,
        hash,
        outcome,
        outcome == JobOutcome.FAILED ? JobOutcome.failureMessage(job) : null);
  }
}
