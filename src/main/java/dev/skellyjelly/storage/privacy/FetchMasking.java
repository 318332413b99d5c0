package dev.skellyjelly.storage.privacy;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.PrivacyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masking at fetch time, for the screenshot handler. The first fetch of a screenshot starts its
 * masking on a bounded pool ({@code mask_workers} threads, each with its own OCR engine) and the
 * result is kept for the screenshot's life; later fetches get it at once. A fetch waits up to
 * {@code mask_deadline_ms}; past it — or when masking failed, the queue is full or there is no
 * OCR engine — it gets the screenshot filled whole, while masking finishes for later fetches.
 * Never unmasked. What was found is sent to the writer for the screenshot's metadata row.
 * Confined to the screenshot handler's event loop, except the masking itself.
 */
public final class FetchMasking {

  private static final Logger LOG = LoggerFactory.getLogger(FetchMasking.class);
  /** Maskings waiting per worker before new ones are refused (answered fully masked, not queued). */
  private static final int QUEUE_PER_WORKER = 8;

  private final Vertx vertx;
  private final StorageConfig.Privacy config;
  private final PrivacyMetrics metrics;
  private final ScreenshotMasker masker;
  private final TextReader reader;
  private final WorkerExecutor pool;
  private final Map<ScreenshotId, Future<MaskResult>> done = new HashMap<>();
  /** Maskings on the pool now, also of screenshots deleted meanwhile: close() waits for them. */
  private final java.util.Set<Future<MaskResult>> running = new java.util.HashSet<>();

  private FetchMasking(Vertx vertx, StorageConfig.Privacy config, PrivacyMetrics metrics,
      ScreenshotMasker masker, TextReader reader) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.masker = masker;
    this.reader = reader;
    this.pool = vertx.createSharedWorkerExecutor("skelly-pii-mask", config.maskWorkers());
  }

  /**
   * Finds the OCR engine off the event loop. A missing engine is no failure: the module starts,
   * says so once, and serves every screenshot fully masked.
   */
  public static Future<FetchMasking> start(Vertx vertx, StorageConfig.Privacy config,
      PrivacyMetrics metrics) {
    MaskRules rules = MaskRules.of(config);
    return vertx.executeBlocking(() -> {
      try {
        TesseractReader reader = TesseractReader.open(config.ocrDataDir(), config.ocrLanguage(),
            config.maskWorkers());
        LOG.info("PII masking: Tesseract ({}) found, up to {} engine(s) load at the first fetch;"
            + " fetched screenshots are masked", config.ocrLanguage(), config.maskWorkers());
        return new FetchMasking(vertx, config, metrics,
            new ScreenshotMasker(rules, reader, null, config.maskMarginPx()), reader);
      } catch (OcrException e) {
        LOG.warn("PII masking has no OCR engine: {}. Every fetched screenshot is returned FULLY"
            + " MASKED until it is installed.", e.getMessage());
        return new FetchMasking(vertx, config, metrics,
            new ScreenshotMasker(rules, null, "no OCR engine: " + e.getMessage(), config.maskMarginPx()),
            null);
      }
    }, false);
  }

  /**
   * The screenshot as it may be handed out: masked, or filled whole. {@code bytes} are the held
   * screenshot: masked at the first fetch, and a raw screenshot's kept boxes are filled into a
   * copy of them at each fetch.
   */
  public Future<MaskResult> masked(ScreenshotId id, byte[] bytes, ImageFormat format, int width,
      int height, String appName, String windowTitle) {
    Future<MaskResult> result = done.get(id);
    if (result == null) {
      if (running.size() >= QUEUE_PER_WORKER * config.maskWorkers()) {
        return whole(format, width, height, "the masking queue is full; fetch again shortly");
      }
      result = start(id, bytes, format, width, height, appName, windowTitle);
      done.put(id, result);
    }
    if (result.isComplete()) {
      return withBytes(result.result(), bytes).map(this::counted);
    }
    Promise<MaskResult> answer = Promise.promise();
    long timer = vertx.setTimer(config.maskDeadline().toMillis(), t ->
        whole(format, width, height, "masking did not finish within mask_deadline_ms ("
            + config.maskDeadline().toMillis() + " ms)")
            .onSuccess(answer::tryComplete).onFailure(answer::tryFail));
    result.compose(r -> withBytes(r, bytes)).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        whole(format, width, height, "masking failed: " + ar.cause())
            .onSuccess(answer::tryComplete).onFailure(answer::tryFail);
      } else if (answer.tryComplete(ar.result())) {
        counted(ar.result());
      }
    });
    return answer.future();
  }

  private Future<MaskResult> start(ScreenshotId id, byte[] bytes, ImageFormat format, int width,
      int height, String appName, String windowTitle) {
    Future<MaskResult> masking = pool.<MaskResult>executeBlocking(() -> {
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long t0 = cpu.getCurrentThreadCpuTime();
      MaskResult r = masker.mask(bytes, format, width, height, appName, windowTitle);
      metrics.masked(cpu.getCurrentThreadCpuTime() - t0);
      return r;
    }, false).recover(err -> Future.succeededFuture(ScreenshotMasker.whole(format, width, height,
        PiiKind.UNCHECKED, "masking failed: " + err))) // never unmasked, whatever went wrong
        // Keep bytes only where they cannot be rebuilt cheaply (a re-encoded PNG with fills); a raw
        // plan or a clean image is applied to the held bytes at each fetch, so no second copy of a
        // screenshot sits in memory beside the original.
        .map(r -> r.format().isRaw() || (r.regions().isEmpty() && !r.whole()) ? r.plan() : r)
        .onComplete(ar -> {
          MaskResult r = ar.result();
          if (r.failure() != null) {
            LOG.warn("screenshot {} is served fully masked: {}", id, r.failure());
          }
          vertx.eventBus().send(Addresses.WRITE_SCREENSHOT_MASKING,
              new MaskingRecorded(id, r.regionCount(), r.kindLabels(), r.textDensity()));
        });
    running.add(masking);
    masking.onComplete(ar -> running.remove(masking));
    return masking;
  }

  /** A raw screenshot's plan is filled into a copy of its bytes at each fetch (off the event loop). */
  private Future<MaskResult> withBytes(MaskResult r, byte[] bytes) {
    return r.data() != null ? Future.succeededFuture(r)
        : vertx.executeBlocking(() -> ScreenshotMasker.apply(r, bytes), false);
  }

  private MaskResult counted(MaskResult r) {
    if (r.whole()) {
      metrics.fullyMaskedFetch();
    }
    return r;
  }

  private Future<MaskResult> whole(ImageFormat format, int width, int height, String why) {
    metrics.fullyMaskedFetch();
    return vertx.executeBlocking(() -> ScreenshotMasker.whole(format, width, height,
        PiiKind.UNCHECKED, why), false);
  }

  /** Drops what was kept for a deleted screenshot. */
  public void forget(ScreenshotId id) {
    done.remove(id);
  }

  public boolean hasOcrEngine() {
    return masker.hasReader();
  }

  /**
   * Waits for maskings still running (an engine must not be freed under a recognition), then
   * closes the pool and frees the engines.
   */
  public Future<Void> close() {
    done.clear();
    return Future.join(List.copyOf(running))
        .transform(ignored -> pool.close())
        .onComplete(ar -> {
          if (reader != null) {
            reader.close();
          }
        });
  }
}
