package dev.dovetail.testing;

import dev.dovetail.DovetailConfig;
import dev.dovetail.DovetailReconcilers;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.metrics.Metrics;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

/**
 * The stand-in for a cluster (DESIGN.md §6): the Fabric8 mock API server in CRUD mode with
 * Dovetail's CRDs from {@code crds/}, the operator's reconcilers on a JOSDK {@link Operator} with
 * the production settings, and {@link InProcessJobRunner} playing the kubelet. The operator can be
 * stopped and started again to test restarts.
 */
public final class KubeHarness implements AutoCloseable {
  // One line per API request drowns what the operator says; a static keeps JUL from dropping it.
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final RecordingDispatcher dispatcher;
  private final KubernetesClient client;
  private final InProcessJobRunner jobs;
  private final Metrics metrics = new Metrics();
  private Operator operator;
  private final List<Operator> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<KubernetesClient> replicaClients =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.Map<Operator, KubernetesClient> clientOf =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<Operator, String> identityOf =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Operator> killed = new java.util.concurrent.CopyOnWriteArrayList<>();

  public KubeHarness() {
    this(dev.dovetail.worker.WorkerMain::run);
  }

  public KubeHarness(WorkerEntryPoint worker) {
    dispatcher = new RecordingDispatcher(new KubernetesCrudDispatcher());
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    // Manifests loaded from YAML come back typed, as they would through a real client with the
    // CRDs.
    client.getKubernetesSerialization().registerKubernetesResource(DatabaseMigration.class);
    client.getKubernetesSerialization().registerKubernetesResource(DualWriteCutover.class);
    applyCrds();
    jobs = new InProcessJobRunner(client, worker);
  }

  private void applyCrds() {
    try (var files = Files.list(Path.of("crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          var crd =
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the CRDs in crds/ (run from the repository root)", e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public InProcessJobRunner jobs() {
    return jobs;
  }

  /** The metrics every operator of this harness feeds, as /q/metrics would show them. */
  public Metrics metrics() {
    return metrics;
  }

  /** Every request the API server has answered so far, in order. */
  public List<RecordingDispatcher.ApiRequest> requests() {
    return dispatcher.requests();
  }

  /** Starts the operator exactly as the image does: every reconciler, server-side apply off. */
  public void startOperator(DovetailConfig config) {
    if (operator != null) {
      throw new IllegalStateException("the operator is already running");
    }
    operator = newOperator(config, client, null, metrics);
    operator.start();
  }

  /**
   * Starts one more operator replica with leader election, on its own client whose User-Agent is
   * {@code identity} (so {@link #requests()} tells the replicas apart). Stop it with {@link
   * Operator#stop()}; {@link #close()} stops the ones still running.
   */
  public Operator startReplica(DovetailConfig config, LeaderElectionConfiguration election) {
    String identity = election.getIdentity().orElseThrow();
    KubernetesClient own =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration()).withUserAgent(identity).build())
            .build();
    replicaClients.add(own);
    Operator replica = newOperator(config, own, election, metrics);
    clientOf.put(replica, own);
    identityOf.put(replica, identity);
    replicas.add(replica);
    replica.start();
    return replica;
  }

  /** Stops a replica as a pod's termination does (the operator's shutdown path). */
  public void stopReplica(Operator replica) {
    if (replicas.remove(replica)) {
      replica.stop();
    }
  }

  /**
   * Kills a replica as SIGKILL or a lost node does: its shutdown, which would release the Lease,
   * never runs, and nothing it sends reaches the API server any more (its client is closed, and the
   * server refuses whatever carries its User-Agent, even a request already on its way). Its threads
   * go on in this JVM, cut off; {@link #close()} stops them.
   */
  public void killReplica(Operator replica) {
    if (replicas.remove(replica)) {
      dispatcher.refuse(identityOf.get(replica));
      clientOf.get(replica).close();
      killed.add(replica);
    }
  }

  private static Operator newOperator(
      DovetailConfig config,
      KubernetesClient client,
      LeaderElectionConfiguration election,
      Metrics metrics) {
    Operator created =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(5))
                  .withStopOnInformerErrorDuringStartup(true)
                  .withMetrics(metrics.reconcileErrorHook());
              if (election != null) {
                o.withLeaderElectionConfiguration(election);
              }
            });
    List<Reconciler<?>> reconcilers = DovetailReconcilers.create(config, client, metrics);
    reconcilers.forEach(r -> created.register(r));
    return created;
  }

  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  @Override
  public void close() {
    stopOperator();
    replicas.forEach(this::stopReplica);
    for (Operator dead : killed) {
      try {
        dead.stop(); // frees the threads of a killed replica; its client is closed already
      } catch (RuntimeException e) {
        // nothing of it can reach the server; what stopping it says does not matter
      }
    }
    replicaClients.forEach(KubernetesClient::close);
    jobs.close();
    client.close();
    server.destroy();
  }
}
