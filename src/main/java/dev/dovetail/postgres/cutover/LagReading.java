package dev.dovetail.postgres.cutover;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Replication lag of a cutover at one moment, measured two ways: the bytes of WAL the slot has not
 * confirmed, and end to end as the age (on the source's clock) of the newest heartbeat the target
 * has applied. Either is null when it cannot be measured yet (no slot, no heartbeat applied).
 */
public record LagReading(
    Long slotLagBytes, Duration heartbeatLag, boolean subscriptionEnabled, Instant measuredAt) {

  public String describe() {
    String beat =
        heartbeatLag == null
            ? "no heartbeat applied on the target yet"
            : String.format(
                Locale.ROOT, "heartbeat %.1fs behind", heartbeatLag.toMillis() / 1000.0);
    String slot =
        slotLagBytes == null
            ? "no slot"
            : String.format(Locale.ROOT, "slot %.1f MB behind", slotLagBytes / 1_000_000.0);
    return beat + ", " + slot + (subscriptionEnabled ? "" : ", subscription disabled");
  }
}
