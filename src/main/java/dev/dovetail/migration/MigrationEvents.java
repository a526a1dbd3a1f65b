package dev.dovetail.migration;

import dev.dovetail.api.v1alpha1.BackfillStatus;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DatabaseMigrationStatus;
import dev.dovetail.api.v1alpha1.EventReason;
import dev.dovetail.kube.EventRecorder;
import dev.dovetail.kube.TransitionEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The DatabaseMigration's Events: one per transition, plus long transactions and backfill quarters.
 */
final class MigrationEvents {
  private final TransitionEvents events;
  private final EventRecorder recorder;

  MigrationEvents(KubernetesClient client) {
    this.events = new TransitionEvents(client);
    this.recorder = new EventRecorder(client);
  }

  void onTransition(DatabaseMigration m, DatabaseMigrationStatus next) {
    var previous = m.getStatus();
    events.onTransition(
        m,
        previous == null ? null : previous.getPhase(),
        previous == null ? null : previous.getConditions(),
        next.getPhase(),
        next.getConditions());
    backfillQuarter(m, previous == null ? null : previous.getBackfill(), next);
    longTransactions(m, previous, next);
  }

  /** A Warning Event for each long transaction the pre-check reports for the first time. */
  private void longTransactions(
      DatabaseMigration m, DatabaseMigrationStatus previous, DatabaseMigrationStatus next) {
    var before = previous == null ? List.<String>of() : previous.getLongTransactions();
    for (String t : next.getLongTransactions()) {
      if (!before.contains(t)) {
        recorder.record(
            m,
            EventReason.LONG_RUNNING_TRANSACTION,
            "transaction open longer than spec.gates.longTransactionWarning holds a lock on a"
                + " table this migration changes (DDL waits out lock_timeout while it lasts): "
                + t);
      }
    }
  }

  /** A Normal Event each time the backfill passes 25, 50 and 75 percent of the table. */
  private void backfillQuarter(
      DatabaseMigration m, BackfillStatus before, DatabaseMigrationStatus next) {
    BackfillStatus after = next.getBackfill();
    if (after == null || after.eta() == null || !"Backfilling".equals(next.getPhase())) {
      return;
    }
    int was = quarter(before);
    int now = quarter(after);
    if (now > was && now < 4) {
      events.progress(
          m,
          EventReason.BACKFILL_RUNNING,
          "backfill %d%%: %d of ~%d rows, %d rows/s, about %s left"
              .formatted(
                  now * 25,
                  after.rowsDone(),
                  after.rowsTotal(),
                  after.rowsPerSecond(),
                  after.eta()));
    }
  }

  private static int quarter(BackfillStatus b) {
    if (b == null || b.rowsDone() == null || b.rowsTotal() == null || b.rowsTotal() <= 0) {
      return 0;
    }
    return (int) Math.min(4, b.rowsDone() * 4 / b.rowsTotal());
  }
}
