package dev.dovetail.cutover;

import java.time.Duration;

/**
 * Replication lag as the decisions need it (mapped from the data plane's reading).
 *
 * @param slotLagBytes WAL bytes the slot has not confirmed; null without a slot
 * @param heartbeatLag age of the newest source heartbeat the target has applied; null before the
 *     first one arrives
 */
public record LagView(Long slotLagBytes, Duration heartbeatLag, boolean subscriptionEnabled) {}
