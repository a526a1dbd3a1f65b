package dev.dovetail;

import dev.dovetail.kube.LeaderElection;
import dev.dovetail.metrics.Metrics;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds {@link DovetailConfig} and the leader election settings from application.properties /
 * environment for the operator (Quarkus Operator SDK picks up the {@link
 * LeaderElectionConfiguration} bean in the prod profile).
 */
public class DovetailProducers {

  @Produces
  @Singleton
  DovetailConfig config(
      @ConfigProperty(name = "dovetail.worker.image") String workerImage,
      @ConfigProperty(name = "dovetail.worker.backoff-limit", defaultValue = "6") int backoffLimit,
      @ConfigProperty(name = "dovetail.worker.active-deadline", defaultValue = "PT24H")
          Duration deadline,
      @ConfigProperty(name = "dovetail.worker.ttl-after-finished", defaultValue = "P1D")
          Duration ttl,
      @ConfigProperty(name = "dovetail.recheck-interval", defaultValue = "PT2S") Duration recheck) {
    return new DovetailConfig(workerImage, backoffLimit, deadline, ttl, recheck);
  }

  /** The operator's metrics, fed by the reconcilers and served at /q/metrics. */
  @Produces
  @Singleton
  Metrics metrics() {
    return new Metrics();
  }

  /**
   * Replaces the Quarkus Operator SDK's no-op JOSDK metrics (its default bean): failed reconciles
   * count into dovetail_reconcile_errors_total.
   */
  @Produces
  @Singleton
  io.javaoperatorsdk.operator.api.monitoring.Metrics reconcileErrors(Metrics metrics) {
    return metrics.reconcileErrorHook();
  }

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(
              name = "dovetail.leader-election.lease-name",
              defaultValue = "dovetail-operator")
          String leaseName,
      @ConfigProperty(name = "dovetail.leader-election.lease-namespace")
          Optional<String> leaseNamespace,
      @ConfigProperty(name = "dovetail.leader-election.identity") Optional<String> identity,
      @ConfigProperty(name = "dovetail.leader-election.lease-duration", defaultValue = "PT15S")
          Duration leaseDuration,
      @ConfigProperty(name = "dovetail.leader-election.renew-deadline", defaultValue = "PT10S")
          Duration renewDeadline,
      @ConfigProperty(name = "dovetail.leader-election.retry-period", defaultValue = "PT2S")
          Duration retryPeriod) {
    // A replica that lost the Lease exits and is restarted by its Deployment, with fresh caches.
    return LeaderElection.configuration(
        leaseName,
        leaseNamespace,
        identity,
        leaseDuration,
        renewDeadline,
        retryPeriod,
        () -> Quarkus.asyncExit(1));
  }
}
