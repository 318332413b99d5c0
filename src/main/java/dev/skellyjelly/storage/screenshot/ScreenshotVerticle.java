package dev.skellyjelly.storage.screenshot;

import dev.skellyjelly.storage.Addresses;
import dev.skellyjelly.storage.batch.WindowClosed;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps screenshots until their window has closed and the retention has passed, records their
 * metadata and hands their ids to the batcher. (Minimal version: memory only; the full
 * lifecycle — size routing, temp files, image analysis, fetch — replaces it.)
 */
public final class ScreenshotVerticle extends VerticleBase {

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final Map<ScreenshotId, RawEvent.Screenshot> kept = new HashMap<>();

  public ScreenshotVerticle(StorageConfig config, StorageMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<RawEvent.Screenshot>localConsumer(Addresses.SCREENSHOTS_STORE, this::store).completion(),
        bus.<WindowClosed>localConsumer(Addresses.WINDOW_CLOSED, m -> scheduleDeletion(m.body()))
            .completion());
  }

  private void store(Message<RawEvent.Screenshot> message) {
    RawEvent.Screenshot s = message.body();
    kept.put(s.screenshotId(), s);
    ScreenshotMetadata metadata = new ScreenshotMetadata(s.screenshotId(), s.timestampMicros(),
        s.sessionId(), s.sequence(), s.windowTitle(), s.appName(), s.region(), s.width(), s.height(),
        s.format(), s.data().length, "memory", null, null, null, s.privacyMasked(),
        "not analysed");
    var bus = vertx.eventBus();
    bus.request(Addresses.BATCH_SCREENSHOT, s.screenshotId())
        .compose(v -> bus.request(Addresses.WRITE_SCREENSHOT_METADATA, metadata))
        .onSuccess(v -> message.reply(null))
        .onFailure(err -> message.fail(500, err.getMessage()));
  }

  private void scheduleDeletion(WindowClosed closed) {
    vertx.setTimer(Math.max(1, config.screenshotRetention().toMillis()), id -> {
      for (ScreenshotId ref : closed.screenshotRefs()) {
        kept.remove(ref);
      }
    });
  }
}
