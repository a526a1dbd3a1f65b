package dev.dovetail.local;

import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.testing.AppWorkload;

/** The demo's closing table; exit code 0 only when no application statement failed. */
final class Summary {
  private Summary() {}

  static int print(DatabaseMigration m, AppWorkload... apps) {
    var s = m.getStatus();
    long failed = 0;
    long statements = 0;
    long longest = 0;
    for (var app : apps) {
      failed += app.failures().size();
      statements += app.statements();
      longest = Math.max(longest, app.longestStatement().toMillis());
    }
    System.out.println();
    System.out.println("Summary");
    System.out.printf("  phase reached                 %s%n", s.getPhase());
    System.out.printf(
        "  rows backfilled               %,d examined, %,d updated%n",
        s.getBackfill().rowsDone(), s.getBackfill().rowsUpdated());
    System.out.printf(
        "  backfill rate                 %,d rows/s%n", s.getBackfill().rowsPerSecond());
    System.out.printf(
        "  verification                  %,d rows checked, %d missing, %d differing%n",
        s.getVerification().rowsChecked(),
        s.getVerification().rowsPending(),
        s.getVerification().rowsDiffering());
    System.out.printf("  application statements        %,d run, %d failed%n", statements, failed);
    System.out.printf("  longest application statement %d ms (includes any lock wait)%n", longest);
    for (var app : apps) {
      app.failures().stream()
          .limit(5)
          .forEach(f -> System.out.printf("    %s failed: %s%n", app.name(), f));
    }
    return failed == 0 ? 0 : 1;
  }
}
