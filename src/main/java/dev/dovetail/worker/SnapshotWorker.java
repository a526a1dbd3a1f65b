package dev.dovetail.worker;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.postgres.SnapshotRecords;
import dev.dovetail.postgres.SnapshotRecords.DumpRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The DatabaseMigration's pgDump snapshot Job: {@code pg_dump --format=custom} of exactly the
 * tables the operations touch into the PVC, checked with {@code pg_restore --list} (the file must
 * list the data of each of those tables and no other), then recorded in the bookkeeping schema for
 * the operator. The credentials reach pg_dump only through the PG* environment of the child
 * process, never its arguments; the dump is written to a temporary name and renamed when complete,
 * so an interrupted run never leaves a file that looks finished.
 */
final class SnapshotWorker {
  private static final Logger LOG = Logger.getLogger(SnapshotWorker.class);
  private static final Duration TOOL_TIMEOUT = Duration.ofHours(12);

  private final Map<String, String> env;

  SnapshotWorker(Map<String, String> env) {
    this.env = env;
  }

  int run() throws Exception {
    PgUri database = PgUri.parse(WorkerMain.required(env, "DOVETAIL_DATABASE_URI"));
    String job = WorkerMain.required(env, "DOVETAIL_JOB_NAME");
    Path dir = Path.of(WorkerMain.required(env, "DOVETAIL_SNAPSHOT_DIR"));
    String fileName = WorkerMain.required(env, "DOVETAIL_SNAPSHOT_FILE");
    String key = WorkerMain.required(env, "DOVETAIL_SNAPSHOT_KEY");
    long generation;
    try {
      generation = Long.parseLong(WorkerMain.required(env, "DOVETAIL_SNAPSHOT_GENERATION"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "environment variable DOVETAIL_SNAPSHOT_GENERATION is not a number");
    }
    if (fileName.contains("/")) {
      throw new IllegalArgumentException(
          "environment variable DOVETAIL_SNAPSHOT_FILE names a path");
    }
    List<String> tables = tables(WorkerMain.required(env, "DOVETAIL_SNAPSHOT_TABLES"));
    String lockWaitMillis = env.get("DOVETAIL_SNAPSHOT_LOCK_WAIT_MS");
    if (lockWaitMillis != null && !lockWaitMillis.matches("^[0-9]+$")) {
      throw new IllegalArgumentException(
          "environment variable DOVETAIL_SNAPSHOT_LOCK_WAIT_MS is not a number of milliseconds");
    }
    if (!Files.isDirectory(dir)) {
      return failed(
          database, key, generation, job, "snapshot directory " + dir + " is not mounted");
    }
    Path file = dir.resolve(fileName);
    Path partial = dir.resolve(fileName + ".partial");
    Instant start = Instant.now();

    var dump = new ArrayList<String>();
    dump.add(pgDump());
    dump.add("--format=custom");
    dump.add("--no-password");
    dump.add("--strict-names");
    if (lockWaitMillis != null) {
      dump.add("--lock-wait-timeout=" + lockWaitMillis);
    }
    dump.add("--file=" + partial);
    for (String t : tables) {
      dump.add("--table=" + t); // quoted identifiers: matched literally, never as patterns
    }
    var dumped = exec(dump, database);
    if (dumped.code() != 0) {
      Files.deleteIfExists(partial);
      return failed(
          database,
          key,
          generation,
          job,
          "pg_dump failed (exit " + dumped.code() + "): " + dumped.err());
    }
    var listed = exec(List.of(pgRestore(), "--list", partial.toString()), database);
    if (listed.code() != 0) {
      return failed(
          database,
          key,
          generation,
          job,
          "pg_restore --list of "
              + partial
              + " failed (exit "
              + listed.code()
              + "): "
              + listed.err());
    }
    var inDump = tableData(listed.out());
    var expected = new TreeSet<String>();
    tables.forEach(t -> expected.add(unquote(t)));
    if (!inDump.equals(expected)) {
      return failed(
          database,
          key,
          generation,
          job,
          "pg_restore --list of "
              + partial
              + " shows the data of "
              + inDump
              + ", expected "
              + expected);
    }
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    var record =
        new DumpRecord(
            job,
            fileName, // where the PVC is mounted is the pod's business, not the record's
            Files.size(file),
            List.copyOf(inDump),
            Duration.between(start, Instant.now()),
            Instant.now());
    try (Connection c = database.connect("dovetail-snapshot")) {
      SnapshotRecords.record(c, key, generation, record);
    }
    LOG.infof(
        "snapshot of %s: %s, %d bytes, tables %s, %d ms",
        database.redacted(), file, record.bytes(), record.tables(), record.duration().toMillis());
    return 0;
  }

  /**
   * Logs the failure and records it for the operator, whose condition then says why the Job failed
   * (a Job's own status only says that it did). pg_dump's messages name tables, locks and the
   * server, never the password: it reaches pg_dump through PGPASSWORD only.
   */
  private static int failed(
      PgUri database, String key, long generation, String job, String message) {
    LOG.errorf("snapshot of %s: %s", database.redacted(), message);
    try (Connection c = database.connect("dovetail-snapshot")) {
      SnapshotRecords.recordFailure(c, key, generation, job, message);
    } catch (java.sql.SQLException e) {
      LOG.warnf("the failure could not be recorded in the database: %s", e.getMessage());
    }
    return 1;
  }

  /** The quoted qualified names of the operator ("public"."users"), comma separated. */
  static List<String> tables(String list) {
    var tables = new ArrayList<String>();
    for (String t : splitOutsideQuotes(list)) {
      String trimmed = t.trim();
      if (!trimmed.isEmpty()) {
        if (!trimmed.matches("^\"([^\"]|\"\")+\"\\.\"([^\"]|\"\")+\"$")) {
          throw new IllegalArgumentException(
              "environment variable DOVETAIL_SNAPSHOT_TABLES: expected \"schema\".\"table\" items");
        }
        tables.add(trimmed);
      }
    }
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("environment variable DOVETAIL_SNAPSHOT_TABLES is empty");
    }
    return tables;
  }

  private static List<String> splitOutsideQuotes(String list) {
    var parts = new ArrayList<String>();
    var current = new StringBuilder();
    boolean quoted = false;
    for (char ch : list.toCharArray()) {
      if (ch == '"') {
        quoted = !quoted;
      }
      if (ch == ',' && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  /** "public"."users" → public.users, as pg_restore --list names it. */
  static String unquote(String qualified) {
    int dot = qualified.indexOf("\".\"");
    String schema = qualified.substring(1, dot).replace("\"\"", "\"");
    String table = qualified.substring(dot + 3, qualified.length() - 1).replace("\"\"", "\"");
    return schema + "." + table;
  }

  /**
   * The tables whose rows the archive holds: the TOC lines {@code <id>; <oid> <oid> TABLE DATA
   * <schema> <table> <owner>}.
   */
  static TreeSet<String> tableData(String list) {
    var tables = new TreeSet<String>();
    for (String line : list.split("\n")) {
      if (line.startsWith(";")) {
        continue;
      }
      int at = line.indexOf(" TABLE DATA ");
      if (at < 0) {
        continue;
      }
      String[] rest = line.substring(at + " TABLE DATA ".length()).trim().split(" ");
      if (rest.length >= 2) {
        tables.add(rest[0] + "." + rest[1]);
      }
    }
    return tables;
  }

  private String pgDump() {
    String configured = env.get("DOVETAIL_PG_DUMP");
    return configured == null || configured.isBlank() ? "pg_dump" : configured;
  }

  /** DOVETAIL_PG_RESTORE, else next to DOVETAIL_PG_DUMP, else on the PATH. */
  private String pgRestore() {
    String configured = env.get("DOVETAIL_PG_RESTORE");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String dump = env.get("DOVETAIL_PG_DUMP");
    if (dump != null && dump.contains("/")) {
      return Path.of(dump).resolveSibling("pg_restore").toString();
    }
    return "pg_restore";
  }

  private record Result(int code, String out, String err) {}

  /** Runs a PostgreSQL client tool with the connection in its environment, not in its argv. */
  private static Result exec(List<String> command, PgUri database)
      throws IOException, InterruptedException {
    var pb = new ProcessBuilder(command);
    var childEnv = pb.environment();
    // Nothing of the worker's own configuration (the URI holds the password) reaches the child.
    childEnv.keySet().removeIf(k -> k.startsWith("DOVETAIL_") || k.startsWith("PG"));
    childEnv.put("PGHOST", database.host());
    childEnv.put("PGPORT", Integer.toString(database.port()));
    childEnv.put("PGUSER", database.user());
    childEnv.put("PGDATABASE", database.database());
    if (database.password() != null) {
      childEnv.put("PGPASSWORD", database.password());
    }
    String sslmode = database.params().get("sslmode");
    if (sslmode != null) {
      childEnv.put("PGSSLMODE", sslmode);
    }
    childEnv.put("PGAPPNAME", "dovetail-snapshot");
    Path err = Files.createTempFile("dovetail-snapshot", ".err");
    Path out = Files.createTempFile("dovetail-snapshot", ".out");
    try {
      pb.redirectError(err.toFile()).redirectOutput(out.toFile());
      Process p = pb.start();
      if (!p.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "", command.get(0) + " did not finish within " + TOOL_TIMEOUT);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          tail(Files.readString(err, StandardCharsets.UTF_8)));
    } finally {
      Files.deleteIfExists(err);
      Files.deleteIfExists(out);
    }
  }

  private static String tail(String text) {
    var lines = Arrays.asList(text.strip().split("\n"));
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }
}
