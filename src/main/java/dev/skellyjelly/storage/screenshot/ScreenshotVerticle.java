package dev.skellyjelly.storage.screenshot;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.bus.WindowClosed;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.PrivacyMetrics;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.privacy.FetchMasking;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The screenshot handler: wires the {@link ScreenshotStore} (where bytes live), the
 * {@link RetentionPolicy} (when they go) and {@link ImageAnalysis} (on a worker thread) to the
 * bus. A store request is answered once the bytes are held and analysed and the id is in the
 * open window; the metadata row goes to the writer like a fire-and-forget event and is committed
 * with its next write — unless the request asked for {@code skelly-reply-when: committed}, which
 * is answered after that commit. Leftover files from a crash are deleted in {@code start()},
 * before the receiver is deployed; everything still held is deleted on stop.
 */
public final class ScreenshotVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ScreenshotVerticle.class);
  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private final ImageAnalysis analysis = new ImageAnalysis(ImageAnalysis.DEFAULT_MAX_SIDE);
  private final RetentionPolicy retention;
  private ScreenshotStore store;
  private FetchMasking masking;
  private boolean diskLow;
  private long sweepTimer = -1;
  /** When the armed sweep fires ({@link System#nanoTime()}), to tell whether a deadline needs it sooner. */
  private long sweepDueNanos;
  private boolean sweeping;

  public ScreenshotVerticle(StorageConfig config, StorageMetrics metrics, StorageClock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.retention = new RetentionPolicy(config.screenshotRetention(),
        config.devMode() ? config.devModeScreenshotCount() : 0);
  }

  @Override
  public Future<?> start() {
    store = new ScreenshotStore(vertx, config, metrics, id -> {
      if (masking != null) {
        masking.forget(id);
      }
    });
    if (config.devMode()) {
      LOG.warn("DEV MODE: the last {} screenshots are kept past their retention for debugging;"
          + " never enable this on a machine whose screen is private", config.devModeScreenshotCount());
    }
    var bus = vertx.eventBus();
    return store.prepareDirectory()
        .onSuccess(this::logLeftovers)
        .compose(v -> FetchMasking.start(vertx, config.privacy(), new PrivacyMetrics(metrics.registry())))
        .compose(m -> {
          masking = m;
          return Future.all(
              bus.<RawEvent.Screenshot>localConsumer(Addresses.SCREENSHOTS_STORE, this::store).completion(),
              bus.<WindowClosed>localConsumer(Addresses.WINDOW_CLOSED, w -> {
                retention.windowClosed(w.body());
                scheduleSweep();
              }).completion(),
              bus.<Object>consumer(Addresses.SCREENSHOTS_GET, this::fetch).completion(),
              bus.<Boolean>localConsumer(Addresses.DISK_GUARD, g -> diskLow = Boolean.TRUE.equals(g.body()))
                  .completion());
        });
  }

  private void logLeftovers(int count) {
    if (count > 0) {
      LOG.warn("deleted {} screenshot files left in {} by an earlier run that did not stop cleanly",
          count, config.screenshotDir());
    } else {
      LOG.info("no leftover screenshot files in {}", config.screenshotDir());
    }
  }

  private void store(Message<RawEvent.Screenshot> message) {
    long t0 = System.nanoTime();
    RawEvent.Screenshot s = message.body();
    metrics.screenshotReceived();
    boolean replyOnCommit = Addresses.REPLY_ON_COMMIT.equals(message.headers().get(Addresses.REPLY_WHEN_HEADER));
    // The analysis is what the reply waits for: it takes the first free core, the file write the next.
    Future<ImageAnalysisResult> analysed = vertx.executeBlocking(
        () -> analysis.analyze(s.data(), s.format(), s.width(), s.height()), false);
    ScreenshotStore.Incoming incoming = store.begin(s, diskLow);
    analysed
        // Analysis never throws; this is a worker pool that refused the task (Vert.x closing).
        .recover(err -> store.abandon(incoming, "it could not be analysed: " + err.getMessage())
            .transform(ignored -> Future.failedFuture(new StorageException(ErrorCode.UNAVAILABLE,
                "screenshot " + s.screenshotId() + " was not kept: " + err.getMessage()))))
        .compose(result -> {
          ScreenshotMetadata metadata = metadata(s, result, incoming);
          store.hold(incoming, metadata);
          retention.kept(s.screenshotId(), clock.wallMicros());
          scheduleSweep();
          return joinWindow(s.screenshotId()).compose(v -> recordMetadata(metadata, replyOnCommit));
        })
        .onSuccess(v -> {
          metrics.screenshotProcessed(System.nanoTime() - t0);
          message.reply(null);
        })
        .onFailure(err -> {
          LOG.error("screenshot {} could not be stored: {}", s.screenshotId(), err.getMessage());
          fail(message, err, ErrorCode.DATABASE);
        });
  }

  /**
   * Adds the id to the open window, whose close starts its retention. A screenshot no window
   * took would never be due, so it is deleted at once and the request fails.
   */
  private Future<Void> joinWindow(ScreenshotId id) {
    return vertx.eventBus().request(Addresses.BATCH_SCREENSHOT, id, LOCAL_ONLY).<Void>mapEmpty()
        .recover(err -> deleteAndAnnounce(id, "no window took it: " + err.getMessage())
            .transform(ignored -> Future.failedFuture(new StorageException(ErrorCode.UNAVAILABLE,
                "screenshot " + id + " was not kept: the batcher did not take it (" + err.getMessage()
                    + "); retry once the module is ready"))));
  }

  /**
   * Hands the row to the writer: like a fire-and-forget event, committed with the next write;
   * or, when the producer asked for it, as a request answered after that commit.
   */
  private Future<Void> recordMetadata(ScreenshotMetadata metadata, boolean waitForCommit) {
    var bus = vertx.eventBus();
    if (!waitForCommit) {
      bus.send(Addresses.WRITE_SCREENSHOT_METADATA, metadata, LOCAL_ONLY);
      return Future.succeededFuture();
    }
    return bus.request(Addresses.WRITE_SCREENSHOT_METADATA, metadata, LOCAL_ONLY).mapEmpty();
  }

  private static ScreenshotMetadata metadata(RawEvent.Screenshot s, ImageAnalysisResult r,
      ScreenshotStore.Incoming incoming) {
    boolean ok = !r.analysisFailed();
    return new ScreenshotMetadata(s.screenshotId(), s.timestampMicros(), s.sessionId(),
        s.sequence(), s.windowTitle(), s.appName(), s.region(),
        r.width() > 0 ? r.width() : s.width(), r.height() > 0 ? r.height() : s.height(),
        s.format(), s.data().length, incoming.storage(), ok ? r.textDensity() : null,
        ok ? r.uiElementCount() : null, ok ? ImageAnalysis.hex(r.dominantColors()) : null,
        s.privacyMasked(), r.failureReason());
  }

  /**
   * Arms the sweep for the earliest deadline (no later than the sweep interval), or not at all
   * while none is pending: an idle module does not wake up for it. A deadline earlier than the
   * armed timer re-arms it; a sweep in progress re-arms when it has finished, so sweeps never
   * stack up.
   */
  private void scheduleSweep() {
    if (sweeping) {
      return;
    }
    long delayMs = retention.nextSweepDelayMillis(clock.wallMicros());
    if (delayMs < 0) {
      return;
    }
    long dueNanos = System.nanoTime() + delayMs * 1_000_000;
    if (sweepTimer >= 0) {
      if (sweepDueNanos - dueNanos <= 0) {
        return;
      }
      vertx.cancelTimer(sweepTimer);
    }
    sweepDueNanos = dueNanos;
    sweepTimer = vertx.setTimer(delayMs, id -> {
      sweepTimer = -1;
      sweeping = true;
      sweepExpired().onComplete(ar -> {
        sweeping = false;
        scheduleSweep();
      });
    });
  }

  /**
   * Deletes every screenshot whose deadline has passed. One that could not be deleted is due again
   * one sweep interval later (not at once: a lasting failure must not spin the event loop).
   */
  private Future<Void> sweepExpired() {
    List<Future<Void>> deletions = new ArrayList<>();
    for (ScreenshotId id : retention.due(clock.wallMicros())) {
      deletions.add(deleteAndAnnounce(id, "retention passed").recover(err -> {
        retention.retry(id, clock.wallMicros());
        LOG.error("screenshot {} could not be deleted ({}); trying again in {} ms", id,
            err.getMessage(), retention.sweepIntervalMillis());
        return Future.succeededFuture();
      }));
    }
    return Future.all(deletions).mapEmpty();
  }

  /** Deletes verifiably; a screenshot that was held is announced on the bus once it is gone. */
  private Future<Void> deleteAndAnnounce(ScreenshotId id, String why) {
    return store.delete(id, why).map(deleted -> {
      if (deleted) {
        vertx.eventBus().publish(Addresses.SCREENSHOT_DELETED, id.toString());
      }
      return null;
    });
  }

  private void fetch(Message<Object> message) {
    ScreenshotId id;
    try {
      Object body = message.body();
      String text = body instanceof JsonObject json ? json.getString("id") : String.valueOf(body);
      id = ScreenshotId.parse(text);
    } catch (RuntimeException e) {
      message.fail(ErrorCode.BAD_REQUEST.failureCode(), "BAD_REQUEST: send a screenshot id (UUID)"
          + " or {\"id\": \"...\"}: " + e.getMessage());
      return;
    }
    store.copy(id).onComplete(ar -> {
      if (ar.failed()) {
        fail(message, ar.cause(), ErrorCode.EXPIRED);
        return;
      }
      ScreenshotMetadata m = ar.result().metadata();
      // Only a masked copy leaves the module (issue 16); analysis read the raw pixels.
      masking.masked(id, ar.result().bytes(), m.format(), m.width(), m.height(), m.appName(), m.windowTitle())
          .onSuccess(masked -> message.reply(m.toJson().put("data", masked.data())
              .put("format", masked.format().name()).put("masking", masked.toJson())))
          .onFailure(err -> message.fail(ErrorCode.UNAVAILABLE.failureCode(), "UNAVAILABLE: screenshot "
              + id + " could not be masked (" + err.getMessage() + "); it is not handed out unmasked"));
    });
  }

  /** Passes a coded failure on as it is; anything else as {@code fallback}, named. */
  private static void fail(Message<?> message, Throwable err, ErrorCode fallback) {
    if (err instanceof ReplyException re && re.failureCode() > 0) {
      message.fail(re.failureCode(), re.getMessage());
      return;
    }
    ErrorCode code = ErrorCode.of(err, fallback);
    String text = String.valueOf(err.getMessage());
    message.fail(code.failureCode(), text.startsWith(code.name() + ":") ? text : code.name() + ": " + text);
  }

  @Override
  public Future<?> stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (store == null) {
      return Future.succeededFuture();
    }
    // Privacy first: retention cannot be honoured while stopped, so nothing is left behind.
    List<Future<Void>> deletions = new ArrayList<>();
    for (ScreenshotId id : store.heldIds()) {
      deletions.add(deleteAndAnnounce(id, "module stopped"));
    }
    return Future.join(deletions).onComplete(ar -> store.clear())
        .compose(v -> masking == null ? Future.succeededFuture() : masking.close(),
            err -> masking == null ? Future.failedFuture(err) : masking.close()
                .transform(ignored -> Future.failedFuture(err)));
  }
}
