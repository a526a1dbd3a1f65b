package dev.dovetail;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds {@link DovetailConfig} from application.properties / environment for the operator. */
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
}
