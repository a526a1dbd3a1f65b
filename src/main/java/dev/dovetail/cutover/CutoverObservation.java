package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec.WriteTarget;
import dev.dovetail.migration.JobView;
import dev.dovetail.migration.Unreadable;
import dev.dovetail.postgres.cutover.ForeignKeyState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one reconcile pass saw of a cutover: the spec's problems, both databases and the Jobs. The
 * planner decides from this alone.
 *
 * @param problems validation problems, each naming its field (the pass stops there)
 * @param unreachable why a database could not be opened or read (naming the field), or which
 *     sessions the operator's reads gave up waiting for; else null
 * @param tables the tables moved (spec.tables, or spec.schema listed on the source)
 * @param copyHash hash of what the copy copies, in the copy Job's name
 * @param copyJob the copy Job, or null when absent
 * @param copy the copy's checkpointed progress on the target
 * @param subscribed the target's subscription exists (the copy finished and replication started)
 * @param lag replication lag just measured; null without replication
 * @param verification the latest finished verification round
 * @param compareJob the Job of the next verification round, or null when absent
 * @param publishedReads the read percent the flag carries (0 before it is published)
 * @param publishedWrites the write target the flag carries
 * @param reportConfigMap the ConfigMap listing every differing key of the latest round
 * @param foreignKeys the source's foreign keys of the moved tables, as they stand on the target
 */
public record CutoverObservation(
    List<String> problems,
    Unreadable unreachable,
    List<String> tables,
    String copyHash,
    JobView copyJob,
    CopyView copy,
    boolean subscribed,
    LagView lag,
    Instant lagMeasuredAt,
    Optional<VerificationView> verification,
    long nextRound,
    JobView compareJob,
    int publishedReads,
    WriteTarget publishedWrites,
    String reportConfigMap,
    Instant now,
    List<ForeignKeyState> foreignKeys) {

  /** Copy progress as the target's bookkeeping has it. */
  public record CopyView(long rangesDone, long rangesTotal, long rowsCopied) {
    public static final CopyView NONE = new CopyView(0, 0, 0);
  }

  static CutoverObservation refused(List<String> problems, Instant now) {
    return beforeReading(problems, null, 0, WriteTarget.Source, now);
  }

  static CutoverObservation unreachable(String why, int reads, WriteTarget writes, Instant now) {
    return beforeReading(List.of(), Unreadable.unreachable(why), reads, writes, now);
  }

  /** A read gave up at the operator's lock_timeout; the message names the holders. */
  static CutoverObservation lockWait(String message, int reads, WriteTarget writes, Instant now) {
    return beforeReading(List.of(), Unreadable.lockWait(message), reads, writes, now);
  }

  /** A pass that stopped before reading the databases: only the spec and the flag are known. */
  private static CutoverObservation beforeReading(
      List<String> problems, Unreadable unreachable, int reads, WriteTarget writes, Instant now) {
    return new CutoverObservation(
        problems,
        unreachable,
        List.of(),
        null,
        null,
        CopyView.NONE,
        false,
        null,
        null,
        Optional.empty(),
        1,
        null,
        reads,
        writes,
        null,
        now,
        List.of());
  }
}
