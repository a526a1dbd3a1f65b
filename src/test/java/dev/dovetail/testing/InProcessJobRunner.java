package dev.dovetail.testing;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Plays the kubelet and the Job controller for the mock API server: each new Job's pod runs the
 * container's args through the real worker entry point, with the container's environment resolved
 * from the API server (secretKeyRef values read from their Secrets). Failed pods are retried up to
 * spec.backoffLimit; activeDeadlineSeconds is enforced; the terminal conditions are written through
 * the status subresource as the Job controller writes them. A persistentVolumeClaim volume is a
 * directory of this machine (one per namespace and claim, see {@link #persistentVolume}); the pod
 * sees it through its environment, whose values naming the mount path are translated to it. The
 * pod's PATH has this machine's PostgreSQL client tools (DOVETAIL_PG_DUMP, unless the Job sets it).
 */
public final class InProcessJobRunner implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(InProcessJobRunner.class);

  private final KubernetesClient client;
  private final WorkerEntryPoint worker;
  private final ExecutorService pods =
      Executors.newCachedThreadPool(
          r -> {
            var t = new Thread(r, "pod");
            t.setDaemon(true);
            return t;
          });
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final List<String> started = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean hold = new AtomicBoolean();
  private final SharedIndexInformer<Job> informer;
  private final Map<String, java.nio.file.Path> volumes = new ConcurrentHashMap<>();

  InProcessJobRunner(KubernetesClient client, WorkerEntryPoint worker) {
    this.client = client;
    this.worker = worker;
    this.informer =
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    launch(job);
                  }

                  @Override
                  public void onUpdate(Job old, Job job) {
                    launch(job);
                  }

                  @Override
                  public void onDelete(Job job, boolean unknown) {}
                });
  }

  /** While held, new Jobs wait before their first pod starts. */
  public void holdNewPods(boolean held) {
    hold.set(held);
  }

  /** Pods started for this Job so far. */
  public int podRuns(String namespace, String name) {
    var n = runs.get(namespace + "/" + name);
    return n == null ? 0 : n.get();
  }

  /** Names of the Jobs seen, in the order they were first picked up. */
  public List<String> jobsStarted() {
    synchronized (started) {
      return List.copyOf(started);
    }
  }

  /** The directory backing a PVC of this namespace (created on first use, kept until close). */
  public java.nio.file.Path persistentVolume(String namespace, String claim) {
    return volumes.computeIfAbsent(
        namespace + "/" + claim,
        k -> {
          try {
            return java.nio.file.Files.createTempDirectory("pvc-" + namespace + "-" + claim);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  public Job awaitTerminal(String namespace, String name, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
      if (job != null && terminal(job)) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Job " + namespace + "/" + name + " did not finish within " + timeout);
  }

  private void launch(Job job) {
    String key = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    if (terminal(job) || !claimed.add(key)) {
      return;
    }
    started.add(job.getMetadata().getName());
    pods.submit(() -> runJob(job, key));
  }

  private void runJob(Job job, String key) {
    try {
      while (hold.get()) {
        Thread.sleep(50);
      }
      int backoffLimit =
          job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
      Long deadline = job.getSpec().getActiveDeadlineSeconds();
      Instant startedAt = Instant.now();
      updateStatus(job, 1, 0, 0, List.of(), startedAt, null);
      int failed = 0;
      while (true) {
        if (!exists(job)) {
          return; // deleted: stop launching pods, like the Job controller
        }
        runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        PodResult result = runPod(job, deadline == null ? null : Duration.ofSeconds(deadline));
        if (result == PodResult.SUCCEEDED) {
          updateStatus(
              job,
              0,
              1,
              failed,
              List.of(
                  condition(
                      "SuccessCriteriaMet",
                      "CompletionsReached",
                      "Reached expected number of succeeded pods"),
                  condition(
                      "Complete",
                      "CompletionsReached",
                      "Reached expected number of succeeded pods")),
              startedAt,
              Instant.now());
          return;
        }
        if (result == PodResult.DEADLINE) {
          updateStatus(
              job,
              0,
              0,
              failed + 1,
              List.of(
                  condition(
                      "FailureTarget",
                      "DeadlineExceeded",
                      "Job was active longer than specified deadline"),
                  condition(
                      "Failed",
                      "DeadlineExceeded",
                      "Job was active longer than specified deadline")),
              startedAt,
              null);
          return;
        }
        failed++;
        if (failed > backoffLimit) {
          updateStatus(
              job,
              0,
              0,
              failed,
              List.of(
                  condition(
                      "FailureTarget",
                      "BackoffLimitExceeded",
                      "Job has reached the specified backoff limit"),
                  condition(
                      "Failed",
                      "BackoffLimitExceeded",
                      "Job has reached the specified backoff limit")),
              startedAt,
              null);
          return;
        }
        updateStatus(job, 1, 0, failed, List.of(), startedAt, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.errorf(e, "job runner failed for %s", key);
    }
  }

  private enum PodResult {
    SUCCEEDED,
    FAILED,
    DEADLINE
  }

  private PodResult runPod(Job job, Duration deadline) throws InterruptedException {
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env =
        resolveEnv(
            job.getMetadata().getNamespace(), job.getMetadata().getName(), container.getEnv());
    mountVolumes(job, container, env);
    env.putIfAbsent("DOVETAIL_PG_DUMP", PgClientTools.tool("pg_dump"));
    List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
    Future<Integer> pod = pods.submit(() -> worker.run(args, env));
    try {
      int code = deadline == null ? pod.get() : pod.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return code == 0 ? PodResult.SUCCEEDED : PodResult.FAILED;
    } catch (TimeoutException e) {
      pod.cancel(true);
      return PodResult.DEADLINE;
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.errorf(e.getCause(), "pod of Job %s threw", job.getMetadata().getName());
      return PodResult.FAILED;
    }
  }

  /** Env values under a PVC's mount path point into that PVC's directory instead. */
  private void mountVolumes(
      Job job, io.fabric8.kubernetes.api.model.Container container, Map<String, String> env) {
    var pod = job.getSpec().getTemplate().getSpec();
    if (pod.getVolumes() == null || container.getVolumeMounts() == null) {
      return;
    }
    for (var mount : container.getVolumeMounts()) {
      pod.getVolumes().stream()
          .filter(v -> v.getName().equals(mount.getName()) && v.getPersistentVolumeClaim() != null)
          .findFirst()
          .ifPresent(
              v -> {
                String dir =
                    persistentVolume(
                            job.getMetadata().getNamespace(),
                            v.getPersistentVolumeClaim().getClaimName())
                        .toString();
                String path = mount.getMountPath();
                env.replaceAll(
                    (k, value) ->
                        value != null && (value.equals(path) || value.startsWith(path + "/"))
                            ? dir + value.substring(path.length())
                            : value);
              });
    }
  }

  private Map<String, String> resolveEnv(String namespace, String jobName, List<EnvVar> vars) {
    var env = new LinkedHashMap<String, String>();
    for (EnvVar v : vars == null ? List.<EnvVar>of() : vars) {
      if (v.getValueFrom() == null) {
        env.put(v.getName(), v.getValue());
      } else if (v.getValueFrom().getSecretKeyRef() != null) {
        var ref = v.getValueFrom().getSecretKeyRef();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        String value = null;
        if (secret != null
            && secret.getData() != null
            && secret.getData().get(ref.getKey()) != null) {
          value =
              new String(
                  Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
                  StandardCharsets.UTF_8);
        } else if (secret != null && secret.getStringData() != null) {
          value = secret.getStringData().get(ref.getKey());
        }
        if (value != null) {
          env.put(
              v.getName(),
              value); // a missing Secret leaves the variable unset, as the kubelet would refuse
        }
      } else if (v.getValueFrom().getFieldRef() != null) {
        String path = v.getValueFrom().getFieldRef().getFieldPath();
        env.put(v.getName(), "metadata.namespace".equals(path) ? namespace : jobName);
      }
    }
    return env;
  }

  private boolean exists(Job job) {
    return client
            .batch()
            .v1()
            .jobs()
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getName())
            .get()
        != null;
  }

  private void updateStatus(
      Job job,
      int active,
      int succeeded,
      int failed,
      List<JobCondition> conditions,
      Instant startTime,
      Instant completionTime) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .editStatus(
              j -> {
                var status =
                    j.getStatus() == null
                        ? new io.fabric8.kubernetes.api.model.batch.v1.JobStatus()
                        : j.getStatus();
                status.setActive(active);
                status.setSucceeded(succeeded);
                status.setFailed(failed);
                status.setStartTime(startTime.truncatedTo(ChronoUnit.SECONDS).toString());
                if (completionTime != null) {
                  status.setCompletionTime(
                      completionTime.truncatedTo(ChronoUnit.SECONDS).toString());
                }
                if (!conditions.isEmpty()) {
                  status.setConditions(conditions);
                }
                j.setStatus(status);
                return j;
              });
    } catch (RuntimeException e) {
      LOG.debugf(
          "status of Job %s not updated (deleted?): %s",
          job.getMetadata().getName(), e.getMessage());
    }
  }

  private static JobCondition condition(String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  private static boolean terminal(Job job) {
    var outcome = dev.dovetail.kube.JobOutcome.of(job);
    return outcome == dev.dovetail.kube.JobOutcome.SUCCEEDED
        || outcome == dev.dovetail.kube.JobOutcome.FAILED;
  }

  @Override
  public void close() {
    informer.close();
    pods.shutdownNow();
    for (var dir : volumes.values()) {
      try (var files = java.nio.file.Files.walk(dir)) {
        files
            .sorted(java.util.Comparator.reverseOrder())
            .map(java.nio.file.Path::toFile)
            .forEach(java.io.File::delete);
      } catch (java.io.IOException e) {
        LOG.debugf("cannot remove %s: %s", dir, e.getMessage());
      }
    }
  }
}
