package dev.dovetail.postgres.cutover;

import dev.dovetail.postgres.PgUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * One verification round of a cutover: every table is walked by primary key in chunks, a digest of
 * each chunk is computed inside each database, chunks that differ are narrowed to rows, and those
 * rows are re-read once the target has caught up with what the source had when they were read. Only
 * rows that still differ, while the source row stayed the same, count; live writes therefore never
 * raise an alarm. Rows missing on the target are inserted from the source when repair is on; rows
 * that differ in value, or exist only on the target, are reported and never overwritten.
 *
 * <p>The target has the source's foreign keys (added NOT VALID after the copy, so they check every
 * insert of the repair), so tables are walked parents first ({@link ParentsFirst}). A repaired row
 * a key refuses (its parent comes later: a cycle of keys, a self-reference to a later batch) is
 * held back and tried again once every table of the round was walked, until a pass repairs nothing
 * more; a row still refused then is reported as differing, naming the key. Any other error of an
 * insert fails the round.
 */
public final class TableCompare {
  private static final Logger LOG = Logger.getLogger(TableCompare.class);
  private static final String APP = "dovetail-compare";

  /** A row still changing on the source after this many rechecks is reported as unverified. */
  private static final int RECHECK_ATTEMPTS = 3;

  /** Suspects are rechecked in batches of this many keys, so memory stays bounded. */
  private static final int RECHECK_BATCH = 1000;

  /**
   * @param logicalReplication true: the target follows the source through the cutover's slot, and
   *     rechecks wait (at most {@code replicationWait}) until the slot confirmed the read position;
   *     false (application dual writes): rechecks wait {@code dualWriteSettle}
   */
  public record Options(
      int chunkSize,
      boolean repair,
      boolean logicalReplication,
      Duration replicationWait,
      Duration dualWriteSettle) {

    public static Options of(int chunkSize, boolean repair, boolean logicalReplication) {
      return new Options(
          chunkSize, repair, logicalReplication, Duration.ofSeconds(60), Duration.ofSeconds(2));
    }
  }

  private enum Difference {
    MISSING_ON_TARGET,
    ONLY_ON_TARGET,
    VALUES_DIFFER,
    UNVERIFIED,
    REPAIR_OVERTAKEN,
    /** Missing on the target, and a foreign key refused its insert to the end of the round. */
    PARENT_MISSING
  }

  private final PgUri sourceUri;
  private final PgUri targetUri;
  private final CutoverNames names;
  private final Options options;
  private long suspects;
  private RepairListener beforeInsert = (table, rows) -> {};

  /** Called between reading the rows to repair on the source and inserting them on the target. */
  interface RepairListener {
    void read(QualifiedTable table, int rows) throws SQLException;
  }

  public TableCompare(PgUri source, PgUri target, CutoverNames names, Options options) {
    this.sourceUri = source;
    this.targetUri = target;
    this.names = names;
    this.options = options;
  }

  /** Tests use this to change the source while a repair is in flight. */
  TableCompare beforeRepairInserts(RepairListener listener) {
    this.beforeInsert = listener;
    return this;
  }

  /**
   * Rows of the last run that differed when first read and were rechecked; most are live writes the
   * target had not applied yet. Logged, and read by tests to see the recheck was exercised.
   */
  public long suspects() {
    return suspects;
  }

  /** Runs the round and records it on the target; returns the recorded round. */
  public VerificationRound run(List<QualifiedTable> tables) throws SQLException, CutoverProblem {
    try (Connection source = sourceUri.connect(APP);
        Connection target = targetUri.connect(APP)) {
      KeyedTable.settle(source);
      KeyedTable.settle(target);
      Transactions.inOne(target, Bookkeeping.TARGET);
      List<ForeignKeyState> foreignKeys = ForeignKeys.states(source, target, tables);
      var keyed = new ArrayList<KeyedTable>();
      for (QualifiedTable table : ParentsFirst.order(tables, foreignKeys)) {
        keyed.add(KeyedTable.of(source, target, table));
      }
      long round = VerificationRounds.start(target, names.key());
      suspects = 0;
      var tally = new Tally();
      // The target's digest of a chunk is computed while the source computes its own: the two
      // servers work at once, and each connection is still used by one thread at a time.
      ExecutorService targetSide =
          Executors.newSingleThreadExecutor(r -> daemon(r, "compare-target"));
      try {
        var walks = new ArrayList<Walk>();
        for (KeyedTable table : keyed) {
          Walk walk = new Walk(source, target, targetSide, table, tally, foreignKeys);
          walk.run();
          walks.add(walk);
        }
        // A held-back row's parent may have been repaired by a later table or batch; each pass
        // that repairs something may free more (a chain), and held-back rows only ever shrink.
        long repairedInPass;
        do {
          repairedInPass = 0;
          for (Walk walk : walks) {
            repairedInPass += walk.retryHeldBack();
          }
        } while (repairedInPass > 0);
        for (Walk walk : walks) {
          walk.reportHeldBack();
        }
      } finally {
        targetSide.shutdownNow();
      }
      String readLsn = tally.readLsn != null ? tally.readLsn : AppliedPosition.now(source);
      VerificationRounds.finish(
          target,
          names.key(),
          round,
          tally.chunks,
          tally.rowsCompared,
          tally.repaired,
          tally.differing,
          readLsn);
      return BookkeepingReads.latestVerification(target, names.key())
          .filter(r -> r.round() == round)
          .orElseThrow(() -> new SQLException("verification round " + round + " not recorded"));
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static final class Tally {
    long chunks;
    long rowsCompared;
    long repaired;
    final List<String> differing = new ArrayList<>();
    String readLsn;
  }

  /** The walk over one table. */
  private final class Walk {
    private final Connection source;
    private final Connection target;
    private final ExecutorService targetSide;
    private final KeyedTable table;
    private final Tally tally;
    private final List<ForeignKeyState> foreignKeys;

    /** Rows a foreign key refused, each with the key's name on the target; retried later. */
    private final Map<RowKey, String> heldBack = new LinkedHashMap<>();

    private long rechecked;
    private long repaired;
    private long differing;

    Walk(
        Connection source,
        Connection target,
        ExecutorService targetSide,
        KeyedTable table,
        Tally tally,
        List<ForeignKeyState> foreignKeys) {
      this.source = source;
      this.target = target;
      this.targetSide = targetSide;
      this.table = table;
      this.tally = tally;
      this.foreignKeys = foreignKeys;
    }

    void run() throws SQLException {
      var pending = new LinkedHashSet<RowKey>();
      long chunks = 0;
      long rows = 0;
      RowKey lower = null;
      RowKey upper;
      do {
        upper = table.nextBound(source, lower, options.chunkSize());
        chunks++;
        RowKey from = lower;
        RowKey to = upper;
        Future<KeyedTable.Digest> targetDigest =
            targetSide.submit(() -> table.digest(target, from, to));
        KeyedTable.Digest onSource = table.digest(source, lower, upper);
        KeyedTable.Digest onTarget = await(targetDigest);
        rows += onSource.rows();
        if (!onSource.equals(onTarget)) {
          pending.addAll(differingRows(lower, upper));
        }
        if (pending.size() >= RECHECK_BATCH) {
          recheck(pending);
          pending.clear();
        }
        lower = upper;
      } while (upper != null);
      recheck(pending);
      tally.chunks += chunks;
      tally.rowsCompared += rows;
      LOG.infof(
          "%s: %d rows in %d chunk(s), %d suspect row(s), %d missing row(s) repaired,"
              + " %d differing, %d held back by a foreign key",
          table.table(), rows, chunks, rechecked, repaired, differing, heldBack.size());
    }

    private KeyedTable.Digest await(Future<KeyedTable.Digest> digest) throws SQLException {
      try {
        return digest.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while the target computed its digest", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sql;
        }
        throw new SQLException("the target's digest failed", e.getCause());
      }
    }

    private Set<RowKey> differingRows(RowKey lower, RowKey upper) throws SQLException {
      Map<RowKey, String> onSource = table.rowHashes(source, lower, upper);
      Map<RowKey, String> onTarget = table.rowHashes(target, lower, upper);
      var keys = new LinkedHashSet<RowKey>();
      for (var e : onSource.entrySet()) {
        if (!e.getValue().equals(onTarget.get(e.getKey()))) {
          keys.add(e.getKey());
        }
      }
      for (RowKey k : onTarget.keySet()) {
        if (!onSource.containsKey(k)) {
          keys.add(k);
        }
      }
      return keys;
    }

    /**
     * Re-reads suspects once the target has caught up with the source's read, and keeps those that
     * differ while the source row stayed the same over the whole recheck: the target had every
     * change of that row, so the difference is real. A row the source changed meanwhile is tried
     * again.
     */
    private void recheck(Set<RowKey> keys) throws SQLException {
      if (keys.isEmpty()) {
        return;
      }
      rechecked += keys.size();
      TableCompare.this.suspects += keys.size();
      act(confirm(keys));
    }

    /** The keys of {@code keys} that really differ, each with how. */
    private Map<RowKey, Difference> confirm(Collection<RowKey> keys) throws SQLException {
      var confirmed = new LinkedHashMap<RowKey, Difference>();
      Set<RowKey> pending = new LinkedHashSet<>(keys);
      for (int attempt = 0; attempt < RECHECK_ATTEMPTS && !pending.isEmpty(); attempt++) {
        Map<RowKey, String> before = table.rowHashes(source, pending);
        if (!targetCaughtUp()) {
          LOG.warnf(
              "%s: the target did not apply the source's changes within %s; %d suspect row(s)"
                  + " are reported as differing without a recheck",
              table.table(), options.replicationWait(), pending.size());
          break;
        }
        Map<RowKey, String> onTarget = table.rowHashes(target, pending);
        var stillDiffering = new ArrayList<RowKey>();
        for (RowKey k : pending) {
          if (!Objects.equals(before.get(k), onTarget.get(k))) {
            stillDiffering.add(k);
          }
        }
        Map<RowKey, String> after = table.rowHashes(source, stillDiffering);
        var changing = new LinkedHashSet<RowKey>();
        for (RowKey k : stillDiffering) {
          if (Objects.equals(before.get(k), after.get(k))) {
            confirmed.put(k, kind(before.containsKey(k), onTarget.containsKey(k)));
          } else {
            changing.add(k);
          }
        }
        pending = changing;
      }
      if (!pending.isEmpty()) {
        LOG.warnf(
            "%s: %d row(s) could not be verified (still changing on the source, or the target"
                + " lagging); counted as differing",
            table.table(), pending.size());
        for (RowKey k : pending) {
          confirmed.put(k, Difference.UNVERIFIED);
        }
      }
      return confirmed;
    }

    private boolean targetCaughtUp() throws SQLException {
      if (!options.logicalReplication()) {
        AppliedPosition.sleep(options.dualWriteSettle().toMillis());
        return true;
      }
      String lsn = AppliedPosition.now(source);
      boolean applied = AppliedPosition.await(source, names, lsn, options.replicationWait());
      if (applied) {
        tally.readLsn = lsn;
      }
      return applied;
    }

    private Difference kind(boolean onSource, boolean onTarget) {
      if (onSource && !onTarget) {
        return Difference.MISSING_ON_TARGET;
      }
      return onSource ? Difference.VALUES_DIFFER : Difference.ONLY_ON_TARGET;
    }

    /** Repairs what is only missing (if asked to); reports everything else by key. */
    private void act(Map<RowKey, Difference> confirmed) throws SQLException {
      var missing = new ArrayList<RowKey>();
      for (var e : confirmed.entrySet()) {
        if (e.getValue() == Difference.MISSING_ON_TARGET && options.repair()) {
          missing.add(e.getKey());
        } else {
          report(e.getKey(), e.getValue());
        }
      }
      // The source's current row; a row deleted on the source since is not there and needs nothing.
      Map<RowKey, String> rows = inKeyOrder(missing, table.rowsAsJson(source, missing));
      if (!rows.isEmpty()) {
        beforeInsert.read(table.table(), rows.size());
      }
      repair(rows);
    }

    /**
     * Tries the held-back rows again, read anew from the source (one deleted there since needs
     * nothing); those a key still refuses stay held back.
     *
     * @return how many were repaired now
     */
    long retryHeldBack() throws SQLException {
      if (heldBack.isEmpty()) {
        return 0;
      }
      var keys = new ArrayList<>(heldBack.keySet());
      heldBack.clear();
      long before = repaired;
      repair(inKeyOrder(keys, table.rowsAsJson(source, keys)));
      return repaired - before;
    }

    /** Reports what a foreign key still refuses at the end of the round. */
    void reportHeldBack() {
      if (heldBack.isEmpty()) {
        return;
      }
      LOG.warnf(
          "%s: %d missing row(s) not repaired: a foreign key finds no referenced row on the"
              + " target",
          table.table(), heldBack.size());
      for (var e : heldBack.entrySet()) {
        report(e.getKey(), Difference.PARENT_MISSING, parentMissing(e.getValue()));
      }
      heldBack.clear();
    }

    /** e.g. {@code not repaired: foreign key child_parent_fk -> public.parent finds ...}. */
    private String parentMissing(String constraint) {
      String references =
          foreignKeys.stream()
              .filter(k -> k.table().equals(table.table()))
              .filter(k -> constraint != null && constraint.equals(k.nameOnTarget()))
              .map(k -> " -> " + k.references())
              .findFirst()
              .orElse("");
      return "not repaired: foreign key "
          + constraint
          + references
          + " finds no referenced row on the target";
    }

    private Map<RowKey, String> inKeyOrder(List<RowKey> keys, Map<RowKey, String> rows) {
      var ordered = new LinkedHashMap<RowKey, String>();
      for (RowKey k : keys) {
        String json = rows.get(k);
        if (json != null) {
          ordered.put(k, json);
        }
      }
      return ordered;
    }

    /** Inserts the rows, holds back those a key refuses, and rechecks those inserted. */
    private void repair(Map<RowKey, String> rows) throws SQLException {
      if (rows.isEmpty()) {
        return;
      }
      MissingRowRepair.Result result = MissingRowRepair.insert(target, table, rows);
      heldBack.putAll(result.refused());
      var inserted = new ArrayList<>(result.inserted());
      if (inserted.isEmpty()) {
        return;
      }
      // A change (or delete) on the source between reading the row and inserting it may reach the
      // target before the insert and find nothing to change there: the repair would be stale.
      // Repairs are checked like suspects; a stale one is reported, not silently counted as done.
      Map<RowKey, Difference> stale = confirm(inserted);
      for (RowKey k : inserted) {
        if (stale.containsKey(k)) {
          LOG.warnf(
              "%s: inserted from the source, but the source changed it meanwhile; reported",
              k.report(table.table()));
          report(k, Difference.REPAIR_OVERTAKEN);
        } else {
          repaired++;
          tally.repaired++;
        }
      }
    }

    private void report(RowKey key, Difference kind) {
      report(key, kind, null);
    }

    /** Counts the row as differing; {@code reason}, when given, follows its key in the report. */
    private void report(RowKey key, Difference kind, String reason) {
      differing++;
      String entry = key.report(table.table()) + (reason == null ? "" : " (" + reason + ")");
      tally.differing.add(entry);
      LOG.debugf("%s: %s", entry, kind);
    }
  }
}
