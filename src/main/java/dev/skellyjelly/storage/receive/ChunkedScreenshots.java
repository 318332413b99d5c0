package dev.skellyjelly.storage.receive;

import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.FrameEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Screenshots arriving in chunks: joined by {@link ScreenshotReassembly}, with the timer that
 * drops the ones whose chunks stop coming (armed only while some are incomplete: no idle timer)
 * and the meters of both. Used on the receiver's event loop only.
 */
final class ChunkedScreenshots {

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverVerticle.class);

  private final Vertx vertx;
  private final StorageMetrics metrics;
  private final ScreenshotReassembly reassembly;
  private final long timeoutMs;
  /** How often incomplete screenshots are checked for their deadline, while there are any. */
  private final long expiryCheckMs;
  private long expiryTimer = -1;

  ChunkedScreenshots(Vertx vertx, StorageConfig config, StorageMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    long timeoutNanos = config.cluster().screenshotReassemblyTimeout().toNanos();
    this.timeoutMs = timeoutNanos / 1_000_000;
    this.reassembly = new ScreenshotReassembly(config.cluster().screenshotReassemblyBytes(),
        FrameEncoding.MAX_BYTES, timeoutNanos, System::nanoTime);
    this.expiryCheckMs = Math.max(10, Math.min(1000, timeoutNanos / 10_000_000));
  }

  /**
   * Takes a chunk: the whole screenshot once its last chunk is in, else {@code null}.
   *
   * @throws StorageException naming what was wrong with the chunk (counted by its code)
   */
  RawEvent.Screenshot accept(ScreenshotChunk chunk) {
    RawEvent.Screenshot screenshot;
    try {
      screenshot = reassembly.accept(chunk);
    } catch (StorageException e) {
      metrics.chunkRefused(e.code().name());
      throw e;
    }
    metrics.reassemblyBytes(reassembly.heldBytes());
    armExpiry();
    return screenshot;
  }

  private void armExpiry() {
    if (expiryTimer >= 0 || reassembly.inProgress() == 0) {
      return;
    }
    expiryTimer = vertx.setTimer(expiryCheckMs, id -> {
      expiryTimer = -1;
      int dropped = reassembly.expire();
      if (dropped > 0) {
        metrics.reassemblyExpired(dropped);
        LOG.warn("dropped " + dropped + " screenshot(s) whose chunks did not all arrive within "
            + timeoutMs + " ms; their producers get no answer and send them again");
      }
      metrics.reassemblyBytes(reassembly.heldBytes());
      armExpiry();
    });
  }

  /** On stop: incomplete screenshots are dropped (their producers send them again). */
  void stop() {
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    int incomplete = reassembly.clear();
    if (incomplete > 0) {
      LOG.warn("stopping with " + incomplete + " screenshot(s) whose chunks had not all arrived;"
          + " their producers get no answer and send them again");
    }
  }
}
