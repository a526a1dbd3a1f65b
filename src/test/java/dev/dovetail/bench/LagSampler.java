package dev.dovetail.bench;

import dev.dovetail.postgres.ReplicaLag;
import dev.dovetail.postgres.ReplicationLag;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.time.Duration;

/**
 * Samples the streaming replica's lag on the primary every {@link #EVERY} while something runs,
 * with the same measurement the backfill's lag gate uses (ReplicationLag), and keeps the peak.
 */
final class LagSampler implements AutoCloseable {
  static final Duration EVERY = Duration.ofMillis(200);

  private final Thread thread;
  private volatile boolean stop;
  private volatile Duration peakLag = Duration.ZERO;
  private volatile long peakBytes;
  private volatile int samples;
  private volatile Exception failure;

  LagSampler(String databaseUri) {
    thread = new Thread(() -> sample(databaseUri), "bench-lag-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample(String databaseUri) {
    try (Connection c = TestPostgres.connect(databaseUri)) {
      while (!stop) {
        for (ReplicaLag r : ReplicationLag.measure(c).replicas()) {
          if (r.lag().compareTo(peakLag) > 0) {
            peakLag = r.lag();
          }
          peakBytes = Math.max(peakBytes, r.bytesBehind());
        }
        samples++;
        Thread.sleep(EVERY.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    }
  }

  /** Stops sampling; fails if no sample was taken, so a broken sampler cannot report zero lag. */
  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join();
    if (failure != null) {
      throw new IllegalStateException("replica lag sampling failed: " + failure, failure);
    }
    if (samples == 0) {
      throw new IllegalStateException("replica lag was never sampled");
    }
  }

  String peak() {
    return MarkdownTable.millis(peakLag.toMillis()) + " ms / " + MarkdownTable.bytes(peakBytes);
  }
}
