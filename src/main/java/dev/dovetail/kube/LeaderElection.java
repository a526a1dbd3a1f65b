package dev.dovetail.kube;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.Optional;

/**
 * Leader election between operator replicas through a coordination.k8s.io Lease: only the holder of
 * the Lease runs reconciliations (the others keep their caches warm), so two replicas never run the
 * same DDL step or create the same Job twice.
 *
 * <p>JOSDK's own "exit on stop leading" calls {@code System.exit} from the leader callback, which
 * also fires while the process is already shutting down (the operator stops the elector), and
 * {@code System.exit} inside a shutdown hook blocks forever. So the exit is ours: {@code
 * onLostLeadership} runs when the Lease is lost, and the image passes Quarkus' asynchronous exit.
 */
public final class LeaderElection {
  public static final String DEFAULT_LEASE_NAME = "dovetail-operator";

  private LeaderElection() {}

  /**
   * @param leaseNamespace the Lease's namespace; empty: the namespace of the operator's
   *     ServiceAccount
   * @param identity this replica's name in the Lease; empty: the pod name (HOSTNAME)
   * @param onLostLeadership what to do when another replica took the Lease from this one
   */
  public static LeaderElectionConfiguration configuration(
      String leaseName,
      Optional<String> leaseNamespace,
      Optional<String> identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod,
      Runnable onLostLeadership) {
    var builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
            .withLeaseDuration(leaseDuration)
            .withRenewDeadline(renewDeadline)
            .withRetryPeriod(retryPeriod)
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(new LeaderCallbacks(() -> {}, onLostLeadership, newLeader -> {}));
    leaseNamespace.filter(ns -> !ns.isBlank()).ifPresent(builder::withLeaseNamespace);
    identity.filter(id -> !id.isBlank()).ifPresent(builder::withIdentity);
    return builder.build();
  }
}
