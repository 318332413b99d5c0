package dev.skellyjelly.storage.batch;

import dev.skellyjelly.storage.bus.WindowClosed;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.bus.IngestChunk;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Groups events into windows (DESIGN decision 3): a window opens with its first event or
 * screenshot and closes on a timer {@code batch_window_seconds} later even if nothing else
 * arrives, or at once when it holds {@code max_events_per_batch} events. Its events come from the
 * writer after they are committed, so a window holds exactly the stored events, each once (a
 * retried event is not stored twice, an unstored one never arrives); a window closes at most one
 * write interval later than its timer. A closed window is
 * published as an {@link EventBatch} on {@code analysis.event-batches}, recorded in the database,
 * and announced to the screenshot handler, whose retention starts then. Empty windows are never
 * emitted.
 */
public final class BatcherVerticle extends VerticleBase {

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private Window window;
  private long closeTimer = -1;

  public BatcherVerticle(StorageConfig config, StorageMetrics metrics, StorageClock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<IngestChunk>localConsumer(Addresses.BATCH_EVENTS, m -> addEvents(m.body())).completion(),
        bus.<ScreenshotId>localConsumer(Addresses.BATCH_SCREENSHOT, m -> {
          openWindowIfNone().addScreenshot(m.body());
          m.reply(window.id().toString());
        }).completion(),
        bus.localConsumer(Addresses.BATCH_FLUSH, m -> closeAndCommit().onComplete(ar -> m.reply(null)))
            .completion());
  }

  private void addEvents(IngestChunk chunk) {
    for (RawEvent e : chunk.events()) {
      openWindowIfNone().add(e);
      if (window.size() >= config.maxEventsPerBatch()) {
        closeWindow();
      }
    }
  }

  private Window openWindowIfNone() {
    if (window == null) {
      window = new Window(clock.wallMicros(), clock.monotonicNanos(), config.maxEventsPerBatch());
      Window opened = window;
      closeTimer = vertx.setTimer(Math.max(1, config.batchWindow().toMillis()), id -> {
        closeTimer = -1;
        if (window == opened) {
          closeWindow();
        }
      });
    }
    return window;
  }

  /** Emits the open window, if any; completes when its record is committed (next write). */
  private Future<?> closeWindow() {
    Window closing = window;
    window = null;
    if (closeTimer >= 0) {
      vertx.cancelTimer(closeTimer);
      closeTimer = -1;
    }
    if (closing == null || closing.isEmpty()) {
      return Future.succeededFuture();
    }
    long t0 = System.nanoTime();
    EventBatch batch = closing.close(clock.monotonicNanos());
    var bus = vertx.eventBus();
    bus.publish(Addresses.EVENT_BATCHES, batch);
    bus.send(Addresses.WINDOW_CLOSED, new WindowClosed(batch.windowId(), batch.endMicros(),
        batch.screenshotRefs()));
    metrics.batchCreated(batch.events().size(), System.nanoTime() - t0);
    return bus.request(Addresses.WRITE_WINDOW, Window.record(batch));
  }

  /** Emits the open window and has the writer commit its record now. */
  private Future<?> closeAndCommit() {
    Future<?> recorded = closeWindow();
    // The writer handles messages in order: the record is staged before this flush runs.
    return Future.all(recorded, vertx.eventBus().request(Addresses.WRITE_FLUSH, null));
  }

  @Override
  public Future<?> stop() {
    return closeAndCommit();
  }
}
