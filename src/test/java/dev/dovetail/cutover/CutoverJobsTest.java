package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.DovetailConfig;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CutoverJobsTest {
  static final DovetailConfig CONFIG =
      new DovetailConfig(
          "dovetail:test", 3, Duration.ofHours(6), Duration.ofHours(1), Duration.ofSeconds(2));

  @Test
  void jobsGetTheContractsEnvironmentAndUrisOnlyFromSecrets() {
    var c = new DualWriteCutover();
    c.setMetadata(
        new ObjectMetaBuilder().withName("move-shop").withNamespace("shop").withUid("u1").build());
    c.setSpec(CutoverValidatorTest.spec());
    var tables = List.of("public.users", "public.orders");
    String hash = CutoverJobs.copyHash(c.getSpec(), tables);
    var job = CutoverJobs.copy(c, tables, hash, CONFIG);
    assertEquals("move-shop-copy-" + hash, job.getMetadata().getName());
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(List.of("copy"), container.getArgs());
    Map<String, EnvVar> env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertNull(env.get("DOVETAIL_SOURCE_URI").getValue());
    assertEquals(
        "source-db", env.get("DOVETAIL_SOURCE_URI").getValueFrom().getSecretKeyRef().getName());
    assertEquals(
        "target-db", env.get("DOVETAIL_TARGET_URI").getValueFrom().getSecretKeyRef().getName());
    assertEquals("public.users,public.orders", env.get("DOVETAIL_TABLES").getValue());
    assertEquals("LogicalReplication", env.get("DOVETAIL_SYNC_MODE").getValue());
    assertEquals("2", env.get("DOVETAIL_COPY_PARALLELISM").getValue());
    assertEquals("10000", env.get("DOVETAIL_CHUNK_SIZE").getValue());
    assertEquals("true", env.get("DOVETAIL_REPAIR").getValue());
    assertEquals("shop", env.get("DOVETAIL_CUTOVER_NAMESPACE").getValue());
    assertEquals("move-shop", env.get("DOVETAIL_CUTOVER_NAME").getValue());
    assertEquals(job.getMetadata().getName(), env.get("DOVETAIL_JOB_NAME").getValue());
    assertTrue(
        job.getSpec().getBackoffLimit() == 3 && job.getSpec().getTtlSecondsAfterFinished() == 3600);
    assertNotEquals(CutoverJobs.compareHash(hash, 1), CutoverJobs.compareHash(hash, 2));
    assertEquals(CutoverJobs.copyHash(c.getSpec(), tables), hash, "deterministic");
  }
}
