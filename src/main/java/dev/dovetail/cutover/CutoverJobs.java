package dev.dovetail.cutover;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec;
import dev.dovetail.api.v1alpha1.SecretKeyRef;
import dev.dovetail.kube.ChildNames;
import dev.dovetail.kube.SpecHash;
import dev.dovetail.kube.WorkerJobs;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The copy and compare Jobs of a cutover (the worker side lives in worker/CopyWorker and
 * worker/CompareWorker). Names are deterministic: the copy's hash covers what it copies, so an
 * unchanged spec finds its Job again after an operator restart; each compare round is its own Job
 * (the round number is in the hash). Configuration reaches the pod only through environment
 * variables, the URIs only through secretKeyRef.
 */
public final class CutoverJobs {
  public static final String COPY = "copy";
  public static final String COMPARE = "compare";
  public static final String SOURCE_URI_ENV = "DOVETAIL_SOURCE_URI";
  public static final String TARGET_URI_ENV = "DOVETAIL_TARGET_URI";

  private CutoverJobs() {}

  public static String copyHash(DualWriteCutoverSpec spec, List<String> tables) {
    return SpecHash.of(
        Map.of(
            "tables", tables,
            "mode", spec.getSync().getMode().name(),
            "source", spec.getSource().getSecretRef(),
            "target", spec.getTarget().getSecretRef()));
  }

  public static String compareHash(String copyHash, long round) {
    return SpecHash.of(Map.of("after", copyHash, "round", round));
  }

  public static String name(DualWriteCutover c, String role, String hash) {
    return ChildNames.job(c.getMetadata().getName(), role, hash);
  }

  public static Job copy(
      DualWriteCutover c, List<String> tables, String hash, DovetailConfig config) {
    return build(c, COPY, hash, tables, config);
  }

  public static Job compare(
      DualWriteCutover c, List<String> tables, String hash, DovetailConfig config) {
    return build(c, COMPARE, hash, tables, config);
  }

  private static Job build(
      DualWriteCutover c, String role, String hash, List<String> tables, DovetailConfig config) {
    var spec = c.getSpec();
    Map<String, SecretKeyRef> secrets =
        Map.of(
            SOURCE_URI_ENV, spec.getSource().getSecretRef(),
            TARGET_URI_ENV, spec.getTarget().getSecretRef());
    var env = new LinkedHashMap<String, String>();
    env.put("DOVETAIL_CUTOVER_NAMESPACE", c.getMetadata().getNamespace());
    env.put("DOVETAIL_CUTOVER_NAME", c.getMetadata().getName());
    env.put("DOVETAIL_TABLES", String.join(",", tables));
    env.put("DOVETAIL_SYNC_MODE", spec.getSync().getMode().name());
    env.put("DOVETAIL_COPY_PARALLELISM", Integer.toString(spec.getCopy().getParallelism()));
    env.put("DOVETAIL_CHUNK_SIZE", Integer.toString(spec.getVerification().getChunkSize()));
    env.put("DOVETAIL_REPAIR", Boolean.toString(spec.getVerification().isRepair()));
    return WorkerJobs.build(c, role, hash, config, secrets, env);
  }
}
