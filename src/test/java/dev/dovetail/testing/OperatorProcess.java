package dev.dovetail.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}, what the image runs) as a
 * child process, in the prod profile, against the mock API server of a {@link KubeHarness}: the way
 * to test what only Quarkus wires (health checks, the HTTP endpoints, the QOSDK properties in
 * application.properties). Its output goes to {@code target/operator-process-<name>.log}.
 */
public final class OperatorProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  private final Process process;
  private final int httpPort;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private OperatorProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts the operator with the environment a Deployment would give it, plus {@code env}, and
   * waits until its HTTP server answers. Skips the test when the jar is not built (run through
   * {@code mvn verify}, which packages before the integration tests).
   */
  public static OperatorProcess start(KubeHarness harness, String name, Map<String, String> env)
      throws IOException {
    Assumptions.assumeTrue(
        Files.isRegularFile(JAR), JAR + " is not built: run the integration tests with mvn verify");
    int port = freePort();
    Path log = Path.of("target", "operator-process-" + name + ".log");
    var command =
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xmx256m",
            "-jar",
            JAR.toString());
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    Map<String, String> e = builder.environment();
    e.keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("DOVETAIL_WATCH"));
    Map<String, String> all = new HashMap<>();
    all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    all.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", harness.client().getMasterUrl().toString());
    all.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", "dovetail-system");
    all.put("DOVETAIL_LEADER_ELECTION_LEASE_NAMESPACE", "dovetail-system");
    all.put("DOVETAIL_LEADER_ELECTION_IDENTITY", name);
    all.putAll(env);
    e.putAll(all);
    var started = new OperatorProcess(builder.start(), port, log);
    started.awaitHttp(Duration.ofSeconds(60));
    return started;
  }

  /** GET on the operator's HTTP port: status code and body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What the process has printed so far. */
  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private void awaitHttp(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the operator exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        get("/q/health/live");
        return;
      } catch (IOException e) {
        sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("the operator's HTTP server did not answer within " + timeout);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops it as the kubelet does (SIGTERM), then waits; kills it if it does not exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
