package dev.dovetail.postgres;

import java.time.Duration;

/**
 * One standby's lag as measured from the primary.
 *
 * @param name application_name of its WAL receiver
 * @param lag how far behind its replayed data is, in time
 * @param bytesBehind WAL between the primary's current position and the standby's replay position
 */
public record ReplicaLag(
    String name, String clientAddress, String state, Duration lag, long bytesBehind) {}
