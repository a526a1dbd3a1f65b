package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.CutoverPhase;
import dev.dovetail.api.v1alpha1.CutoverSync;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.cutover.CutoverObservation.CopyView;
import dev.dovetail.kube.JobOutcome;
import dev.dovetail.migration.JobView;
import dev.dovetail.postgres.ExclusiveLocks;
import dev.dovetail.postgres.ServerErrors;
import dev.dovetail.postgres.cutover.CutoverDatabase;
import dev.dovetail.postgres.cutover.QualifiedTable;
import dev.dovetail.postgres.cutover.VerificationRound;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads what a pass decides from: the spec's problems, the flag, the Jobs, and both databases. The
 * one write here is the heartbeat on the source: it is the probe that end-to-end lag is measured
 * with, so it belongs to observing.
 */
final class CutoverObserver {
  private static final int SAMPLE_KEYS = 10;

  private final FlagPublisher flag;

  CutoverObserver(FlagPublisher flag) {
    this.flag = flag;
  }

  CutoverObservation observe(
      DualWriteCutover cutover,
      CutoverConnection connection,
      Function<String, Job> jobs,
      Instant now) {
    var spec = cutover.getSpec();
    List<String> problems = CutoverValidator.validate(spec);
    if (!problems.isEmpty()) {
      return CutoverObservation.refused(problems, now);
    }
    var published = flag.read(cutover);
    int reads = published == null ? 0 : published.readPercent();
    WriteTarget writes = published == null ? WriteTarget.Source : published.writeTarget();
    if (connection.unreachable() != null) {
      return CutoverObservation.unreachable(connection.unreachable(), reads, writes, now);
    }
    CutoverDatabase db = connection.db();
    try {
      List<String> tables = tables(cutover, db);
      if (tables.isEmpty()) {
        return CutoverObservation.refused(
            List.of("spec.schema: schema " + spec.getSchema() + " has no tables on the source"),
            now);
      }
      String copyHash = CutoverJobs.copyHash(spec, tables);
      boolean logical = spec.getSync().getMode() == CutoverSync.Mode.LogicalReplication;
      boolean subscribed = logical && db.subscribed();
      LagView lag = null;
      Instant lagAt = null;
      if (subscribed && spec.getPhase() == CutoverPhase.Run) {
        boolean reverse = writes == WriteTarget.Target;
        db.writeHeartbeat(reverse);
        var reading = db.lag(reverse);
        lag =
            new LagView(
                reading.slotLagBytes(), reading.heartbeatLag(), reading.subscriptionEnabled());
        lagAt = reading.measuredAt();
      }
      var copy = db.copyProgress();
      Optional<VerificationView> verification = db.latestVerification().map(CutoverObserver::view);
      long nextRound = verification.map(v -> v.round() + 1).orElse(1L);
      String compareName =
          CutoverJobs.name(
              cutover, CutoverJobs.COMPARE, CutoverJobs.compareHash(copyHash, nextRound));
      String copyName = CutoverJobs.name(cutover, CutoverJobs.COPY, copyHash);
      return new CutoverObservation(
          List.of(),
          null,
          tables,
          copyHash,
          view(CutoverJobs.COPY, copyName, copyHash, jobs.apply(copyName)),
          new CopyView(copy.rangesDone(), copy.rangesTotal(), copy.rowsCopied()),
          subscribed,
          lag,
          lagAt,
          verification,
          nextRound,
          view(CutoverJobs.COMPARE, compareName, copyHash, jobs.apply(compareName)),
          reads,
          writes,
          VerificationReport.name(cutover),
          now,
          db.foreignKeys(tables.stream().map(QualifiedTable::parse).toList()));
    } catch (SQLException e) {
      if (ExclusiveLocks.isLockTimeout(e)) {
        try {
          return CutoverObservation.lockWait(
              db.lockWaitMessage("a read", "Nothing was changed; looked at again shortly"),
              reads,
              writes,
              now);
        } catch (SQLException notNamed) {
          e = notNamed;
        }
      }
      return CutoverObservation.unreachable(
          "reading the source and target failed: " + ServerErrors.primary(e), reads, writes, now);
    }
  }

  /** spec.tables as schema.table, or every table of spec.schema on the source. */
  static List<String> tables(DualWriteCutover cutover, CutoverDatabase db) throws SQLException {
    var spec = cutover.getSpec();
    if (spec.getTables() != null && !spec.getTables().isEmpty()) {
      return spec.getTables().stream().map(CutoverValidator::qualified).toList();
    }
    return db.tablesInSchema(spec.getSchema()).stream().map(QualifiedTable::toString).toList();
  }

  private static JobView view(String role, String name, String hash, Job job) {
    if (job == null) {
      return null;
    }
    JobOutcome outcome = JobOutcome.of(job);
    return new JobView(
        role,
        name,
        hash,
        outcome,
        outcome == JobOutcome.FAILED ? JobOutcome.failureMessage(job) : null);
  }

  private static VerificationView view(VerificationRound r) {
    return new VerificationView(
        r.round(),
        r.chunks(),
        r.rowsCompared(),
        r.missingRepaired(),
        r.differing(),
        r.differingKeys().stream().limit(SAMPLE_KEYS).toList(),
        r.differingKeys(),
        r.finishedAt());
  }
}
