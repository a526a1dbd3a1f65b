package dev.dovetail.metrics;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Serves {@link Metrics#scrape()} at {@code /q/metrics} on the operator's HTTP port. */
@Singleton
public class MetricsRoute {
  public static final String PATH = "/q/metrics";

  void route(@Observes Router router, Metrics metrics) {
    router
        .get(PATH)
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", Metrics.contentType())
                    .end(metrics.scrape()));
  }
}
