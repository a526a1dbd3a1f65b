package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.PlannedStatement;
import java.util.ArrayList;
import java.util.List;

/** The plan lines of a change, the same shape for every kind. */
final class Plans {
  private Plans() {}

  static List<PlannedStatement> of(SchemaChange change, String label) {
    var plan = new ArrayList<PlannedStatement>();
    add(plan, label, "expand", change.expand());
    change
        .backfill()
        .ifPresent(
            b -> {
              plan.add(
                  new PlannedStatement(
                      label,
                      "backfill",
                      "UPDATE %s SET %s WHERE <next keyset batch of %s> AND %s"
                          .formatted(
                              change.lockedTable(),
                              b.assignment(),
                              b.keyColumn(),
                              b.outOfSyncPredicate()),
                      Locks.BACKFILL,
                      "writes every row once (WAL, replica lag): batched, throttled on lag"));
            });
    add(plan, label, "validate", change.afterBackfill());
    change
        .backfill()
        .ifPresent(
            b ->
                plan.add(
                    new PlannedStatement(
                        label,
                        "verify",
                        "count rows per key chunk WHERE " + b.outOfSyncPredicate(),
                        Locks.VERIFY)));
    add(plan, label, "contract", change.contract());
    add(plan, label, "cleanup", change.cleanup());
    add(plan, label, "uncontract", change.uncontract());
    add(plan, label, "rollback", change.rollback());
    return plan;
  }

  private static void add(
      List<PlannedStatement> plan, String label, String stage, List<DdlStep> steps) {
    for (DdlStep step : steps) {
      for (Ddl ddl : step.statements()) {
        plan.add(
            new PlannedStatement(label, stage, firstLine(ddl.sql()), ddl.lock(), ddl.hazard()));
      }
    }
  }

  static String firstLine(String sql) {
    int newline = sql.indexOf('\n');
    return newline < 0 ? sql : sql.substring(0, newline) + " …";
  }
}
