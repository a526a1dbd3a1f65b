package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.CutoverSync;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Turns measurements into the two gates every forward step waits for. Pure. */
public final class GateChecks {
  private GateChecks() {}

  /** ReplicationHealthy: heartbeat lag measured end to end and under gates.maxReplicationLag. */
  public static Gate replication(CutoverSync.Mode mode, LagView lag, Duration maxLag) {
    String type = ConditionTypes.REPLICATION_HEALTHY;
    if (mode == CutoverSync.Mode.ApplicationDualWrite) {
      return Gate.green(
          type,
          Reasons.APPLICATION_DUAL_WRITE,
          "the application writes to both databases; there is no replication to wait for");
    }
    if (lag == null) {
      return Gate.red(type, Reasons.LAG_NOT_MEASURED, "replication is not set up yet");
    }
    String slot =
        lag.slotLagBytes() == null ? "no slot" : "slot " + lag.slotLagBytes() + " bytes behind";
    if (!lag.subscriptionEnabled()) {
      return Gate.red(
          type,
          Reasons.SUBSCRIPTION_DISABLED,
          "the subscription on the target is disabled; nothing is applied (" + slot + ")");
    }
    if (lag.heartbeatLag() == null) {
      return Gate.red(
          type,
          Reasons.LAG_NOT_MEASURED,
          "no source heartbeat has been applied on the target yet (" + slot + ")");
    }
    String measured = "heartbeat lag " + Durations.format(lag.heartbeatLag()) + ", " + slot;
    if (lag.heartbeatLag().compareTo(maxLag) > 0) {
      return Gate.red(
          type,
          Reasons.REPLICATION_LAGGING,
          measured + ": over gates.maxReplicationLag " + Durations.format(maxLag));
    }
    return Gate.green(
        type,
        Reasons.REPLICATION_WITHIN_LIMIT,
        measured + ": within gates.maxReplicationLag " + Durations.format(maxLag));
  }

  /** Consistent: a verification round finished and found no differing row. */
  public static Gate consistency(Optional<VerificationView> latest, String reportConfigMap) {
    String type = ConditionTypes.CONSISTENT;
    if (latest.isEmpty()) {
      return Gate.red(type, Reasons.NOT_YET_VERIFIED, "no verification round has finished yet");
    }
    VerificationView v = latest.get();
    String counts =
        String.format(
            Locale.ROOT,
            "round %d: %d rows compared in %d chunks, %d missing rows repaired",
            v.round(),
            v.rowsCompared(),
            v.chunksCompared(),
            v.missingRepaired());
    if (v.differing() > 0) {
      return Gate.red(
          type,
          Reasons.VERIFICATION_MISMATCH,
          counts
              + ", "
              + v.differing()
              + " rows differ (e.g. "
              + String.join(", ", v.sampleKeys())
              + "); every key is in ConfigMap "
              + reportConfigMap);
    }
    return Gate.green(type, Reasons.VERIFICATION_PASSED, counts + ", 0 differ");
  }

  /** The first red gate, replication before consistency (lag explains most mismatches). */
  public static Optional<Gate> firstRed(Gate replication, Gate consistency) {
    if (!replication.green()) {
      return Optional.of(replication);
    }
    return consistency.green() ? Optional.empty() : Optional.of(consistency);
  }
}
