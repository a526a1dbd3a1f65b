package dev.dovetail.kube;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * Worker Jobs: the operator's own image run with a role argument, deterministic name, owner
 * reference, explicit backoff, deadline and TTL, and a pod that passes the "restricted" Pod
 * Security Standard. The database URI reaches the pod only through a secretKeyRef.
 */
public final class WorkerJobs {
  public static final String DATABASE_URI_ENV = "DOVETAIL_DATABASE_URI";

  private WorkerJobs() {}

  public static Job build(
      HasMetadata owner,
      String role,
      String specHash,
      DovetailConfig config,
      SecretKeyRef database,
      Map<String, String> plainEnv) {
    return build(owner, role, specHash, config, Map.of(DATABASE_URI_ENV, database), plainEnv);
  }

  /** A worker that needs several databases: each env var gets its URI through a secretKeyRef. */
  public static Job build(
      HasMetadata owner,
      String role,
      String specHash,
      DovetailConfig config,
      Map<String, SecretKeyRef> secretEnv,
      Map<String, String> plainEnv) {
    String name = ChildNames.job(owner.getMetadata().getName(), role, specHash);
    var env = new ArrayList<EnvVar>();
    new TreeMap<>(secretEnv)
        .forEach(
            (var, ref) ->
                env.add(
                    new EnvVarBuilder()
                        .withName(var)
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName(ref.getName())
                        .withKey(ref.getKey() == null ? "uri" : ref.getKey())
                        .endSecretKeyRef()
                        .endValueFrom()
                        .build()));
    env.add(new EnvVar("DOVETAIL_JOB_NAME", name, null));
    // Workers run the operator's image: make sure no controller starts inside them.
    env.add(new EnvVar("QUARKUS_OPERATOR_SDK_START_OPERATOR", "false", null));
    new TreeMap<>(plainEnv).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(Labels.forChild(owner.getMetadata().getName(), role))
        .addToAnnotations(Labels.SPEC_HASH, specHash)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(config.jobBackoffLimit())
        .withActiveDeadlineSeconds(config.jobActiveDeadline().toSeconds())
        .withTtlSecondsAfterFinished((int) config.jobTtlAfterFinished().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Labels.forChild(owner.getMetadata().getName(), role))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("worker")
        .withImage(config.workerImage())
        .withArgs(role)
        .withEnv(env)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .addToDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
