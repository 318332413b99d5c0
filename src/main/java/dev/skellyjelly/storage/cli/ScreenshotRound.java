package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.client.ScreenshotChunkSender;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code capture --screenshots N}: screenshots of 5 MiB (raw BGRA, 1280×1024) one at a time, each
 * timed from its send to storage's answer — once it is held and analysed — across the cluster in
 * chunks. With the baseline each is followed by one sent the old way, as one message, so the two
 * are measured alike in the same run. Runs on the command's own thread, waiting for each answer.
 */
final class ScreenshotRound {

  private static final DeliveryOptions ANALYSED = new DeliveryOptions().setSendTimeout(30_000);

  private final Vertx vertx;
  private final SyntheticCapture capture;
  private final ScreenshotChunkSender chunks;
  private final Latencies chunked = new Latencies();
  private final Latencies singleMessage = new Latencies();

  ScreenshotRound(Vertx vertx, SyntheticCapture capture, int chunkBytes) {
    this.vertx = vertx;
    this.capture = capture;
    this.chunks = new ScreenshotChunkSender(vertx, chunkBytes);
  }

  /** Sends {@code count} screenshots (twice as many with {@code baseline}); the figures. */
  JsonObject run(int count, boolean baseline) {
    for (int i = 0; i < count && !StopSignals.requested(); i++) {
      RawEvent.Screenshot shot = capture.screenshot(StorageClock.SYSTEM.wallMicros(), true);
      long t0 = System.nanoTime();
      chunks.send(shot, ANALYSED).await();
      chunked.record(System.nanoTime() - t0);
      if (baseline) {
        RawEvent.Screenshot whole = capture.screenshot(StorageClock.SYSTEM.wallMicros(), true);
        long t1 = System.nanoTime();
        vertx.eventBus().request(Addresses.EVENTS_RAW, EventFrame.of(List.of(whole)), ANALYSED).await();
        singleMessage.record(System.nanoTime() - t1);
      }
    }
    JsonObject figures = new JsonObject().put("screenshots", chunked.count())
        .put("screenshotP50Ms", chunked.percentileMs(0.5))
        .put("screenshotP99Ms", chunked.percentileMs(0.99));
    if (baseline) {
      figures.put("singleMessageScreenshotP50Ms", singleMessage.percentileMs(0.5))
          .put("singleMessageScreenshotP99Ms", singleMessage.percentileMs(0.99));
    }
    return figures;
  }
}
