package dev.dovetail.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot role: a bad environment is a usage error before anything runs; the credentials reach
 * pg_dump only through its environment (a stand-in pg_dump records what it was given, and fails, so
 * nothing is recorded); the table lists of the operator and of pg_restore --list are read exactly.
 * SnapshotIT runs the real pg_dump against PostgreSQL.
 */
class SnapshotWorkerTest {
  @TempDir Path dir;

  private Map<String, String> env() {
    var env = new HashMap<String, String>();
    env.put("DOVETAIL_DATABASE_URI", "postgresql://app:s3cr3t-pw@127.0.0.1:1/shop?sslmode=require");
    env.put("DOVETAIL_JOB_NAME", "m-snapshot-g1");
    env.put("DOVETAIL_SNAPSHOT_DIR", dir.toString());
    env.put("DOVETAIL_SNAPSHOT_FILE", "m-g1.dump");
    env.put("DOVETAIL_SNAPSHOT_KEY", "shop/m#uid");
    env.put("DOVETAIL_SNAPSHOT_GENERATION", "1");
    env.put("DOVETAIL_SNAPSHOT_TABLES", "\"public\".\"users\",\"public\".\"odd,name\"");
    return env;
  }

  @Test
  void aBadEnvironmentIsAUsageError() {
    for (var bad :
        List.of(
            Map.of("DOVETAIL_SNAPSHOT_GENERATION", "one"),
            Map.of("DOVETAIL_SNAPSHOT_FILE", "../etc/passwd"),
            Map.of("DOVETAIL_SNAPSHOT_TABLES", "public.users"),
            Map.of("DOVETAIL_SNAPSHOT_TABLES", " , "),
            Map.of("DOVETAIL_DATABASE_URI", "mysql://x"))) {
      var env = env();
      env.putAll(bad);
      assertEquals(WorkerMain.USAGE, WorkerMain.run(List.of("snapshot"), env), bad.toString());
    }
    var missing = env();
    missing.remove("DOVETAIL_SNAPSHOT_DIR");
    assertEquals(WorkerMain.USAGE, WorkerMain.run(List.of("snapshot"), missing));
  }

  @Test
  void theCredentialsReachPgDumpOnlyThroughItsEnvironment() throws Exception {
    Path fake = dir.resolve("fake-pg_dump");
    Path seen = dir.resolve("seen");
    Files.writeString(
        fake,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '"
            + seen
            + ".args'\nenv > '"
            + seen
            + ".env'\nexit 3\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    var env = env();
    env.put("DOVETAIL_PG_DUMP", fake.toString());
    assertEquals(1, WorkerMain.run(List.of("snapshot"), env), "pg_dump failed: the Job fails");

    String args = Files.readString(Path.of(seen + ".args"));
    String childEnv = Files.readString(Path.of(seen + ".env"));
    assertFalse(args.contains("s3cr3t-pw"), args);
    assertFalse(args.contains("127.0.0.1"), "no connection in argv: " + args);
    assertTrue(args.contains("--format=custom"), args);
    assertTrue(args.contains("--table=\"public\".\"users\"\n"), args);
    assertTrue(args.contains("--table=\"public\".\"odd,name\"\n"), args);
    assertTrue(args.contains("--file=" + dir.resolve("m-g1.dump.partial")), args);
    assertTrue(childEnv.contains("PGPASSWORD=s3cr3t-pw\n"), "the password is in the env");
    assertTrue(childEnv.contains("PGHOST=127.0.0.1\n"));
    assertTrue(childEnv.contains("PGPORT=1\n"));
    assertTrue(childEnv.contains("PGUSER=app\n"));
    assertTrue(childEnv.contains("PGDATABASE=shop\n"));
    assertTrue(childEnv.contains("PGSSLMODE=require\n"));
    assertFalse(childEnv.contains("DOVETAIL_"), "none of the worker's own variables: " + childEnv);
    assertFalse(Files.exists(dir.resolve("m-g1.dump")), "no dump file after a failed pg_dump");
    assertFalse(Files.exists(dir.resolve("m-g1.dump.partial")));
  }

  @Test
  void tableListsAreReadExactly() {
    assertEquals(
        List.of("\"public\".\"users\"", "\"s\".\"a,b\"\"c\""),
        SnapshotWorker.tables(" \"public\".\"users\" ,\"s\".\"a,b\"\"c\""));
    assertEquals("s.a,b\"c", SnapshotWorker.unquote("\"s\".\"a,b\"\"c\""));
    String list =
        """
        ;
        ; Archive created at 2026-12-03 16:48:33 UTC
        ;     dbname: shop
        ;
        215; 1259 16390 TABLE public users postgres
        216; 1259 16401 TABLE public accounts postgres
        3341; 0 16390 TABLE DATA public users postgres
        3342; 0 16401 TABLE DATA public accounts postgres
        3190; 2606 16398 CONSTRAINT public users users_pkey postgres
        """;
    assertEquals(
        new TreeSet<>(List.of("public.accounts", "public.users")), SnapshotWorker.tableData(list));
  }
}
