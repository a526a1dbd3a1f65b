package dev.dovetail.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The throttle decision on a measured load: which gate is over, with the value and the field. */
class DatabaseLoadTest {

  @Test
  void lockWaitsOverTheGateThrottleWithTheMeasuredNumber() {
    var load = new DatabaseLoad(20, 14, 100);
    assertEquals(
        Optional.of("database load: 14 backends waiting on locks > gates.maxLockWaits 10"),
        load.overGates(0, 10));
  }

  @Test
  void lockWaitsAtTheGateDoNotThrottle() {
    assertEquals(Optional.empty(), new DatabaseLoad(10, 10, 100).overGates(0, 10));
  }

  @Test
  void zeroLockWaitsMeansAnyWaiterThrottles() {
    assertEquals(
        Optional.of("database load: 1 backends waiting on locks > gates.maxLockWaits 0"),
        new DatabaseLoad(1, 1, 100).overGates(0, 0));
  }

  @Test
  void activeBackendsDefaultToNinetyPercentOfMaxConnections() {
    assertEquals(180, new DatabaseLoad(0, 0, 200).activeLimit(0));
    assertEquals(Optional.empty(), new DatabaseLoad(180, 0, 200).overGates(0, 10));
    assertEquals(
        Optional.of(
            "database load: 181 active backends > gates.maxActiveConnections 180 (90% of"
                + " max_connections 200)"),
        new DatabaseLoad(181, 0, 200).overGates(0, 10));
  }

  @Test
  void anExplicitActiveLimitWins() {
    assertEquals(
        Optional.of("database load: 9 active backends > gates.maxActiveConnections 8"),
        new DatabaseLoad(9, 0, 200).overGates(8, 10));
    assertEquals(Optional.empty(), new DatabaseLoad(8, 0, 200).overGates(8, 10));
  }

  @Test
  void aTinyServerStillAllowsOneActiveBackend() {
    assertEquals(1, new DatabaseLoad(0, 0, 1).activeLimit(0));
  }

  @Test
  void lockWaitsAreReportedBeforeActiveBackends() {
    assertEquals(
        Optional.of("database load: 12 backends waiting on locks > gates.maxLockWaits 10"),
        new DatabaseLoad(500, 12, 100).overGates(0, 10));
  }
}
