package dev.dovetail.local;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.MigrationPhase;
import dev.dovetail.api.v1alpha1.Reasons;
import dev.dovetail.testing.AppWorkload;
import dev.dovetail.testing.KubeHarness;
import dev.dovetail.testing.Manifests;
import dev.dovetail.testing.TestPostgres;
import dev.dovetail.testing.UsersTable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code make demo}: the operator, its Job runner and an embedded Kubernetes API server in one
 * process, against the local PostgreSQL topology of {@code hack/postgres.sh}.
 *
 * <ul>
 *   <li>No arguments: the whole rename story on a fresh {@code dovetail_demo} database — old
 *       application running, expand, new application, contract — and a summary.
 *   <li>Manifest files: applies them (Secrets, DatabaseMigrations) and exits 0 once every
 *       DatabaseMigration is Ready for its requested phase; non-zero with the reason when one fails
 *       or the time limit passes. State lives in the database, so a second run with {@code phase:
 *       Contract} picks up where the first left off.
 *   <li>{@code --reset-db}: recreates {@code dovetail_demo} with the sample users table only.
 * </ul>
 */
public final class LocalMode {
  static final String DEMO_DB = "dovetail_demo";
  static final long DEMO_ROWS = 300_000;
  static final Set<String> FAILED_REASONS =
      Set.of(
          Reasons.INVALID_SPEC,
          Reasons.BACKFILL_FAILED,
          Reasons.VERIFICATION_FAILED,
          Reasons.VERIFICATION_MISMATCH,
          Reasons.CONTRACT_IRREVERSIBLE);

  private LocalMode() {}

  public static void main(String[] args) throws Exception {
    var files = new ArrayList<String>();
    for (String arg : args) {
      for (String part : arg.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          files.add(part);
        }
      }
    }
    int code;
    try {
      if (files.equals(List.of("--reset-db"))) {
        resetDemoDatabase();
        code = 0;
      } else if (files.isEmpty()) {
        code = story();
      } else {
        code =
            applyManifests(
                files, Duration.ofMinutes(Long.getLong("dovetail.demo.timeoutMinutes", 10)));
      }
    } catch (Exception | AssertionError e) {
      // exec:java would otherwise wait forever for the API server's non-daemon threads.
      Console.say("FAILED: %s", e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private static int story() throws Exception {
    Console.say(
        "Preparing database %s on %s with %,d users…", DEMO_DB, TestPostgres.PRIMARY, DEMO_ROWS);
    resetDemoDatabase();
    String uri = demoUri();
    try (var harness = new KubeHarness()) {
      harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(500)));
      KubernetesClient client = harness.client();
      var oldApp = new AppWorkload("old-app", uri, "user_name", DEMO_ROWS, 1).start();
      var newApp = new AppWorkload("new-app", uri, "username", DEMO_ROWS, 0);
      Console.say("Old application running (INSERT/UPDATE/SELECT on user_name).");
      var applied = apply(client, Path.of("samples/rename-column.yaml"));
      var m =
          applied.stream().filter(r -> r instanceof DatabaseMigration).findFirst().orElseThrow();
      var watcher =
          new StatusPrinter(client, m.getMetadata().getNamespace(), m.getMetadata().getName());
      var expanded = watcher.until(Reasons.EXPANDED, Duration.ofMinutes(10));
      if (expanded == null) {
        return fail(oldApp, newApp, watcher);
      }
      DemoRecord.snapshot(client, m, "expanded");
      Console.say("Expand is Ready: rolling out the new application (reads and writes username).");
      newApp.start();
      Thread.sleep(3_000);
      Console.say(
          "Old application retired; committing phase: Contract (samples/rename-column-contract.yaml).");
      oldApp.stop();
      Manifests.editSpec(
          client,
          m.getMetadata().getNamespace(),
          m.getMetadata().getName(),
          spec -> spec.setPhase(MigrationPhase.Contract));
      var contracted = watcher.until(Reasons.CONTRACTED, Duration.ofMinutes(5));
      Thread.sleep(1_000);
      newApp.stop();
      if (contracted == null) {
        return fail(oldApp, newApp, watcher);
      }
      DemoRecord.snapshot(client, m, "contracted");
      DemoRecord.events(client, m);
      return Summary.print(contracted, oldApp, newApp);
    }
  }

  private static int fail(AppWorkload oldApp, AppWorkload newApp, StatusPrinter watcher) {
    oldApp.stop();
    newApp.stop();
    Console.say("FAILED: %s", watcher.lastReady());
    return 1;
  }

  private static int applyManifests(List<String> files, Duration limit) throws Exception {
    try (var harness = new KubeHarness()) {
      harness.startOperator(DovetailConfig.defaults().withRecheckInterval(Duration.ofMillis(500)));
      var migrations = new ArrayList<DatabaseMigration>();
      for (String file : files) {
        for (HasMetadata r : apply(harness.client(), Path.of(file))) {
          if (r instanceof DatabaseMigration m) {
            migrations.add(m);
          }
        }
      }
      if (migrations.isEmpty()) {
        Console.say("No DatabaseMigration in %s", files);
        return 2;
      }
      int code = 0;
      for (var m : migrations) {
        var printer =
            new StatusPrinter(
                harness.client(), m.getMetadata().getNamespace(), m.getMetadata().getName());
        var done = printer.untilReadyForRequestedPhase(limit);
        if (done == null) {
          Console.say(
              "%s/%s did not become Ready: %s",
              m.getMetadata().getNamespace(), m.getMetadata().getName(), printer.lastReady());
          code = 1;
        } else {
          Console.say(
              "%s/%s is Ready: %s",
              m.getMetadata().getNamespace(), m.getMetadata().getName(), printer.lastReady());
        }
      }
      return code;
    }
  }

  /** Applies every document of a manifest file; namespaces are created as needed. */
  static List<HasMetadata> apply(KubernetesClient client, Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("manifest " + file + " does not exist");
    }
    List<HasMetadata> resources;
    try (var in = new FileInputStream(file.toFile())) {
      resources = client.load(in).items();
    }
    var applied = new ArrayList<HasMetadata>();
    for (HasMetadata r : resources) {
      if (r.getMetadata().getNamespace() == null && !(r instanceof Namespace)) {
        r.getMetadata().setNamespace("default");
      }
      if (r.getMetadata().getNamespace() != null) {
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(r.getMetadata().getNamespace())
                    .endMetadata()
                    .build())
            .createOr(n -> n.update());
      }
      applied.add(client.resource(r).createOr(x -> x.update()));
      Console.say(
          "applied %s %s/%s from %s",
          r.getKind(), r.getMetadata().getNamespace(), r.getMetadata().getName(), file);
    }
    return applied;
  }

  static void resetDemoDatabase() throws SQLException {
    try (Connection admin = TestPostgres.connect(TestPostgres.PRIMARY)) {
      admin.createStatement().execute("DROP DATABASE IF EXISTS " + DEMO_DB + " WITH (FORCE)");
      admin.createStatement().execute("CREATE DATABASE " + DEMO_DB);
    }
    try (Connection c = TestPostgres.connect(demoUri())) {
      UsersTable.create(c, DEMO_ROWS);
    }
  }

  static String demoUri() {
    var base = java.net.URI.create(TestPostgres.PRIMARY);
    return "postgresql://"
        + base.getUserInfo()
        + "@"
        + base.getHost()
        + ":"
        + base.getPort()
        + "/"
        + DEMO_DB;
  }

  static boolean readyFor(DatabaseMigration m) {
    if (m == null
        || m.getStatus() == null
        || !java.util.Objects.equals(
            m.getStatus().getObservedGeneration(), m.getMetadata().getGeneration())) {
      return false;
    }
    return m.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals(ConditionTypes.READY) && "True".equals(c.getStatus()));
  }
}
