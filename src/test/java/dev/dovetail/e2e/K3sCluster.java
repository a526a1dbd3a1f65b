package dev.dovetail.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A one-node k3s cluster in Docker with Dovetail installed the way {@code make deploy} installs it:
 * the operator image from {@code make image} imported into the node's containerd (no registry),
 * {@code crds/} and {@code deploy/} applied with {@code kubectl} (kustomize) from inside the node,
 * the image reference overridden by a small overlay.
 */
final class K3sCluster implements AutoCloseable {
  /** CEL validation rules in the CRDs need Kubernetes 1.25 or later. */
  static final String K3S_IMAGE =
      System.getProperty("dovetail.e2e.k3s-image", "rancher/k3s:v1.31.4-k3s1");

  /** The name the imported image gets in the node; not :latest, so IfNotPresent is the default. */
  static final String OPERATOR_IMAGE = "ghcr.io/dovetail-dev/dovetail-operator:e2e";

  static final String OPERATOR_NAMESPACE = "dovetail-system";
  private static final String NODE_DIR = "/tmp/dovetail";

  private final K3sContainer container;
  private KubernetesClient client;

  K3sCluster() {
    container =
        new K3sContainer(DockerImageName.parse(K3S_IMAGE).asCompatibleSubstituteFor("rancher/k3s"));
  }

  void start() {
    container.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml()))
            .build();
  }

  KubernetesClient client() {
    return client;
  }

  /**
   * Imports the OCI archive into containerd's k8s.io namespace (where the kubelet looks) and tags
   * it {@link #OPERATOR_IMAGE}. The archive's own name is whatever Jib wrote into index.json, so
   * the image is found by its manifest digest rather than by name.
   */
  void importImage(Path archive) throws IOException, InterruptedException {
    String digest = manifestDigest(archive);
    container.copyFileToContainer(
        MountableFile.forHostPath(archive), NODE_DIR + "/dovetail-operator-image.tar");
    exec(
        "k3s",
        "ctr",
        "-n",
        "k8s.io",
        "images",
        "import",
        "--digests",
        NODE_DIR + "/dovetail-operator-image.tar");
    String listing = exec("k3s", "ctr", "-n", "k8s.io", "images", "ls");
    String imported = null;
    for (String line : listing.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 2 && fields[2].equals(digest)) {
        imported = fields[0];
        break;
      }
    }
    if (imported == null) {
      throw new IllegalStateException(
          "no image with manifest " + digest + " after the import; containerd has:\n" + listing);
    }
    if (!imported.equals(OPERATOR_IMAGE)) {
      exec("k3s", "ctr", "-n", "k8s.io", "images", "tag", "--force", imported, OPERATOR_IMAGE);
    }
    String cri = exec("k3s", "crictl", "images");
    if (!cri.contains("ghcr.io/dovetail-dev/dovetail-operator") || !cri.contains("e2e")) {
      throw new IllegalStateException("the kubelet does not see " + OPERATOR_IMAGE + ":\n" + cri);
    }
  }

  /** crds/ with server-side apply (the CRDs are too big for the last-applied annotation). */
  void applyCrds(Path crds) throws IOException, InterruptedException {
    copyDirectory(crds, NODE_DIR + "/crds");
    exec("k3s", "kubectl", "apply", "--server-side", "-f", NODE_DIR + "/crds");
    exec(
        "k3s",
        "kubectl",
        "wait",
        "--for=condition=Established",
        "--timeout=60s",
        "crd/databasemigrations.dovetail.dev",
        "crd/dualwritecutovers.dovetail.dev");
  }

  /**
   * deploy/ through an overlay that only points the operator and its worker Jobs at the imported
   * image and never pulls it; then waits for the rollout.
   */
  void deployOperator(Path deploy) throws IOException, InterruptedException {
    copyDirectory(deploy, NODE_DIR + "/deploy");
    String overlay =
        """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - ../deploy
        images:
          - name: ghcr.io/dovetail-dev/dovetail-operator
            newName: %1$s
            newTag: %2$s
        patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: dovetail-operator
                namespace: %3$s
              spec:
                template:
                  spec:
                    containers:
                      - name: operator
                        imagePullPolicy: IfNotPresent
                        env:
                          - name: DOVETAIL_WORKER_IMAGE
                            value: %1$s:%2$s
        """
            .formatted(
                OPERATOR_IMAGE.substring(0, OPERATOR_IMAGE.lastIndexOf(':')),
                OPERATOR_IMAGE.substring(OPERATOR_IMAGE.lastIndexOf(':') + 1),
                OPERATOR_NAMESPACE);
    container.copyFileToContainer(
        Transferable.of(overlay.getBytes(StandardCharsets.UTF_8)),
        NODE_DIR + "/e2e/kustomization.yaml");
    exec("k3s", "kubectl", "apply", "-k", NODE_DIR + "/e2e");
    exec(
        "k3s",
        "kubectl",
        "-n",
        OPERATOR_NAMESPACE,
        "rollout",
        "status",
        "deployment/dovetail-operator",
        "--timeout=300s");
  }

  /** Runs kubectl on the node; returns stdout, throws with stdout and stderr on a non-zero exit. */
  String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("k3s", "kubectl"));
    command.addAll(List.of(args));
    return exec(command.toArray(String[]::new));
  }

  /** What a person would look at when something did not finish: never throws. */
  String diagnostics() {
    var out = new StringBuilder();
    for (String[] command :
        List.of(
            new String[] {"k3s", "kubectl", "get", "dbm,dwc,jobs,pods", "-A", "-o", "wide"},
            new String[] {"k3s", "kubectl", "get", "events", "-A", "--sort-by=.lastTimestamp"},
            new String[] {
              "k3s",
              "kubectl",
              "-n",
              OPERATOR_NAMESPACE,
              "logs",
              "deployment/dovetail-operator",
              "--tail=200"
            })) {
      try {
        ExecResult r = container.execInContainer(command);
        out.append("$ ").append(String.join(" ", command)).append('\n');
        out.append(r.getStdout()).append(r.getStderr()).append('\n');
      } catch (Exception e) {
        out.append(String.join(" ", command)).append(": ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  private String exec(String... command) throws IOException, InterruptedException {
    ExecResult r = container.execInContainer(command);
    if (r.getExitCode() != 0) {
      throw new IllegalStateException(
          "%s exited %d:%n%s%s"
              .formatted(String.join(" ", command), r.getExitCode(), r.getStdout(), r.getStderr()));
    }
    return r.getStdout();
  }

  private void copyDirectory(Path from, String to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        container.copyFileToContainer(
            MountableFile.forHostPath(file), to + "/" + from.relativize(file).toString());
      }
    }
  }

  /** The digest of the one image manifest listed in the archive's index.json. */
  static String manifestDigest(Path archive) throws IOException {
    byte[] index = TarEntries.read(archive, "index.json");
    JsonNode manifests = new ObjectMapper().readTree(index).path("manifests");
    if (manifests.size() != 1) {
      throw new IllegalStateException(
          archive + ": index.json lists " + manifests.size() + " manifests, expected 1");
    }
    return manifests.get(0).path("digest").asText();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    container.stop();
  }

  /** Reads one entry of a plain (ustar) tar archive, as Jib writes it. */
  static final class TarEntries {
    private TarEntries() {}

    static byte[] read(Path archive, String name) throws IOException {
      try (InputStream in = Files.newInputStream(archive)) {
        byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512) {
          String entry = field(header, 0, 100);
          if (entry.isEmpty()) {
            break; // the two zero blocks at the end
          }
          String prefix = field(header, 345, 155);
          if (!prefix.isEmpty()) {
            entry = prefix + "/" + entry;
          }
          long size = Long.parseLong(field(header, 124, 12).trim(), 8);
          long padded = (size + 511) / 512 * 512;
          if (entry.equals(name) || entry.equals("./" + name)) {
            byte[] data = in.readNBytes((int) size);
            in.skipNBytes(padded - size);
            return data;
          }
          in.skipNBytes(padded);
        }
      }
      throw new IllegalStateException(archive + " has no " + name);
    }

    private static String field(byte[] header, int offset, int length) {
      int end = offset;
      while (end < offset + length && header[end] != 0) {
        end++;
      }
      return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
  }
}
