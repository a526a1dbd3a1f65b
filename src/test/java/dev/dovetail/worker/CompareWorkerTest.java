package dev.dovetail.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dovetail.postgres.cutover.QualifiedTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compare role refuses a bad environment before it connects anywhere (the URIs point at a port
 * nothing listens on, so a connection attempt would fail with 1, not 2).
 */
class CompareWorkerTest {
  private static Map<String, String> env() {
    var env = new HashMap<String, String>();
    env.put("DOVETAIL_SOURCE_URI", "postgresql://u:secret@127.0.0.1:1/src");
    env.put("DOVETAIL_TARGET_URI", "postgresql://u:secret@127.0.0.1:1/dst");
    env.put("DOVETAIL_CUTOVER_NAMESPACE", "shop");
    env.put("DOVETAIL_CUTOVER_NAME", "move");
    env.put("DOVETAIL_TABLES", "public.orders");
    env.put("DOVETAIL_SYNC_MODE", "LogicalReplication");
    env.put("DOVETAIL_CHUNK_SIZE", "1000");
    env.put("DOVETAIL_REPAIR", "true");
    return env;
  }

  @Test
  void aBadEnvironmentIsAUsageErrorAndAnUnreachableDatabaseAFailure() {
    assertEquals(1, WorkerMain.run(List.of("compare"), env()), "valid env, nothing listening");
    for (var bad :
        List.of(
            Map.of("DOVETAIL_SYNC_MODE", "Telepathy"),
            Map.of("DOVETAIL_CHUNK_SIZE", "0"),
            Map.of("DOVETAIL_CHUNK_SIZE", "many"),
            Map.of("DOVETAIL_TABLES", " , "))) {
      var env = env();
      env.putAll(bad);
      assertEquals(WorkerMain.USAGE, WorkerMain.run(List.of("compare"), env), bad.toString());
    }
    var missing = env();
    missing.remove("DOVETAIL_TARGET_URI");
    assertEquals(WorkerMain.USAGE, WorkerMain.run(List.of("compare"), missing));
  }

  @Test
  void tablesAreACommaListOfQualifiedNames() {
    assertEquals(
        List.of(QualifiedTable.parse("public.orders"), new QualifiedTable("public", "users")),
        CompareWorker.tables(" public.orders, ,users "));
  }
}
