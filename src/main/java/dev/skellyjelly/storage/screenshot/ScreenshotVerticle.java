package dev.skellyjelly.storage.screenshot;

import dev.skellyjelly.storage.bus.ScreenshotMetadata;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.bus.WindowClosed;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.OneTimeKey;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.PrivacyMetrics;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.privacy.FetchMasking;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The screenshot manager. Screenshots below the memory threshold live in a Caffeine cache bounded
 * by count and by bytes; larger ones in a private temp file (600 in a 700 directory, written to a
 * temporary name and renamed). Metadata is extracted off the event loop and stored at once; the
 * id joins the open window. Bytes are deleted {@code screenshot_retention_seconds} after the
 * window that references them closes (DESIGN decision 4) by a deadline queue swept on a timer,
 * each deletion checked. Leftover files from a crash are deleted in {@code start()}, before the
 * receiver is deployed. Everything still held is deleted on stop.
 */
public final class ScreenshotVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ScreenshotVerticle.class);
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final String DIR_PERMS = "rwx------";
  private static final int REMEMBERED_EXPIRED = 100_000;

  /**
   * A screenshot held for its retention: in the memory cache, or in {@code file} — sealed under
   * {@code fileKey} (its only key) when encryption is on — once {@code written} completes.
   */
  private record Held(ScreenshotMetadata metadata, Path file, OneTimeKey fileKey, Future<Void> written) {
    boolean onDisk() {
      return file != null;
    }
  }

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private final ImageAnalysis analysis = new ImageAnalysis(ImageAnalysis.DEFAULT_MAX_SIDE);
  private final Map<ScreenshotId, Held> held = new HashMap<>();
  private final DeadlineQueue deadlines = new DeadlineQueue();
  private final Deque<ScreenshotId> devModeKept = new ArrayDeque<>();
  private final Cache<ScreenshotId, String> expired = Caffeine.newBuilder()
      .maximumSize(REMEMBERED_EXPIRED).build();
  private Cache<ScreenshotId, byte[]> memory;
  private FileSystem fs;
  private FetchMasking masking;
  private boolean diskLow;
  private long sweepTimer = -1;

  public ScreenshotVerticle(StorageConfig config, StorageMetrics metrics, StorageClock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    fs = vertx.fileSystem();
    // Caffeine takes one bound; weighing each entry at least max_bytes / max_count enforces both:
    // never more than the count, never more than the bytes.
    long maxBytes = config.screenshotMemoryCacheMaxBytes();
    int minWeight = (int) Math.min(Integer.MAX_VALUE,
        (maxBytes + config.screenshotMemoryCacheSize() - 1) / config.screenshotMemoryCacheSize());
    memory = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((ScreenshotId id, byte[] bytes) -> Math.max(bytes.length, minWeight))
        .executor(Runnable::run) // removal listener on the caller's thread: this event loop
        .removalListener(this::onMemoryRemoval)
        .build();
    if (config.devMode()) {
      LOG.warn("DEV MODE: the last {} screenshots are kept past their retention for debugging;"
          + " never enable this on a machine whose screen is private", config.devModeScreenshotCount());
    }
    var bus = vertx.eventBus();
    return sweepLeftovers()
        .compose(v -> FetchMasking.start(vertx, config.privacy(), new PrivacyMetrics(metrics.registry())))
        .compose(m -> {
          masking = m;
          return Future.succeededFuture();
        })
        .compose(v -> Future.all(
        bus.<RawEvent.Screenshot>localConsumer(Addresses.SCREENSHOTS_STORE, this::store).completion(),
        bus.<WindowClosed>localConsumer(Addresses.WINDOW_CLOSED, m -> scheduleDeletion(m.body()))
            .completion(),
        bus.<Object>consumer(Addresses.SCREENSHOTS_GET, this::fetch).completion(),
        bus.<Boolean>localConsumer(Addresses.DISK_GUARD, m -> diskLow = Boolean.TRUE.equals(m.body()))
            .completion()))
        .onSuccess(v -> armSweep());
  }

  /** Deletes every file a crashed run left behind, before any event is accepted. */
  private Future<Void> sweepLeftovers() {
    String dir = config.screenshotDir().toString();
    return fs.mkdirs(dir, DIR_PERMS)
        .compose(v -> fs.chmod(dir, DIR_PERMS)) // mkdirs is subject to the umask; an old dir too
        .compose(v -> fs.readDir(dir))
        .compose(files -> Future.all(files.stream().map(f -> fs.delete(f)).toList())
            .onSuccess(v -> {
              if (!files.isEmpty()) {
                LOG.warn("deleted {} screenshot files left in {} by an earlier run that did not stop"
                    + " cleanly", files.size(), dir);
              } else {
                LOG.info("no leftover screenshot files in {}", dir);
              }
              metrics.screenshotsDeleted(files.size());
            }))
        .mapEmpty();
  }

  private void store(Message<RawEvent.Screenshot> message) {
    long t0 = System.nanoTime();
    RawEvent.Screenshot s = message.body();
    metrics.screenshotReceived();
    boolean toDisk = s.data().length >= config.screenshotMemoryThresholdBytes();
    Path file = null;
    OneTimeKey fileKey = null;
    Future<Void> written = Future.succeededFuture();
    String storage;
    if (!toDisk) {
      storage = "memory";
    } else if (diskLow) {
      // Disk guard: no screenshot files while space is low; metadata is still stored.
      metrics.screenshotNotWritten();
      storage = "not-kept-low-disk";
    } else {
      // The file only moves the bytes out of memory: a crash loses it anyway (start-up deletes
      // leftovers), so the reply does not wait for it; fetches and deletion do.
      file = config.screenshotDir().resolve(s.screenshotId() + ".img");
      fileKey = config.encryption().enabled() ? new OneTimeKey() : null;
      written = writeFile(s, file, fileKey).onFailure(err -> fileLost(s.screenshotId(), err));
      storage = "disk";
    }
    Path heldFile = file;
    OneTimeKey heldKey = fileKey;
    Future<Void> heldWritten = written;
    Future<ImageAnalysisResult> analysed = vertx.executeBlocking(
        () -> analysis.analyze(s.data(), s.format(), s.width(), s.height()), false);
    var bus = vertx.eventBus();
    analysed
        .compose(result -> {
          ScreenshotMetadata metadata = metadata(s, result, storage);
          if ((heldFile != null && !heldWritten.failed()) || "memory".equals(storage)) {
            held.put(s.screenshotId(), new Held(metadata, heldFile, heldKey, heldWritten));
            if (heldFile == null) {
              // Our own copy: the producer may reuse its array, and ours is zeroed when dropped.
              memory.put(s.screenshotId(), s.data().clone()); // may evict at once: the listener drops it
            }
            metrics.screenshotsHeld(memory.estimatedSize(), countOnDisk());
          }
          rememberForDevMode(s.screenshotId());
          return bus.request(Addresses.BATCH_SCREENSHOT, s.screenshotId())
              .compose(v -> bus.request(Addresses.WRITE_SCREENSHOT_METADATA, metadata));
        })
        .onSuccess(v -> {
          metrics.screenshotProcessed(System.nanoTime() - t0);
          message.reply(null);
        })
        .onFailure(err -> {
          LOG.error("screenshot {} could not be stored: {}", s.screenshotId(), err.getMessage());
          message.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: screenshot " + s.screenshotId()
              + " could not be stored: " + err.getMessage());
        });
  }

  /**
   * Temp name first, created 600, then an atomic rename: a reader never sees half a screenshot.
   * One blocking task on a worker thread, not the event loop. (Vert.x's file-system calls were
   * measured 10 ms slower for a 5 MB screenshot — two extra copies through a Buffer — which is
   * half the 20 ms budget; the sweep, reads and deletes use them.)
   */
  private Future<Void> writeFile(RawEvent.Screenshot s, Path target, OneTimeKey key) {
    Path temp = config.screenshotDir().resolve(s.screenshotId() + ".tmp");
    return vertx.<Void>executeBlocking(() -> {
      try {
        // With encryption on, the file is sealed under a key held only in memory (crypto-shredding).
        Files.write(Files.createFile(temp, PRIVATE_FILE), key == null ? s.data() : key.seal(s.data()));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return null;
      } catch (IOException e) {
        Files.deleteIfExists(temp);
        throw new IOException("cannot write screenshot file " + target + " (" + e + "); check free"
            + " space and permissions of " + config.screenshotDir(), e);
      }
    }, false);
  }

  /** A file that could not be written after the reply: its screenshot is gone, and says why. */
  private void fileLost(ScreenshotId id, Throwable err) {
    LOG.error("screenshot {} is lost: {}", id, err.getMessage());
    metrics.screenshotNotWritten();
    Held h = held.remove(id);
    if (h != null && h.fileKey() != null) {
      h.fileKey().forget();
    }
    expired.put(id, "its file could not be written: " + err.getMessage());
  }

  private static ScreenshotMetadata metadata(RawEvent.Screenshot s, ImageAnalysisResult r,
      String storage) {
    boolean ok = !r.analysisFailed();
    return new ScreenshotMetadata(s.screenshotId(), s.timestampMicros(), s.sessionId(),
        s.sequence(), s.windowTitle(), s.appName(), s.region(),
        r.width() > 0 ? r.width() : s.width(), r.height() > 0 ? r.height() : s.height(),
        s.format(), s.data().length, storage, ok ? r.textDensity() : null,
        ok ? r.uiElementCount() : null, ok ? ImageAnalysis.hex(r.dominantColors()) : null,
        s.privacyMasked(), r.failureReason());
  }

  private void scheduleDeletion(WindowClosed closed) {
    long due = closed.closedAtMicros() + config.screenshotRetention().toNanos() / 1_000;
    for (ScreenshotId id : closed.screenshotRefs()) {
      deadlines.add(id, due);
    }
  }

  private void armSweep() {
    long interval = Math.max(5, Math.min(1_000, config.screenshotRetention().toMillis() / 4));
    sweepTimer = vertx.setTimer(interval, id -> {
      sweepExpired().onComplete(ar -> {
        if (ar.failed()) {
          LOG.error("screenshot deletion failed, retrying at the next sweep: {}", ar.cause().getMessage());
        }
        armSweep();
      });
    });
  }

  /** Deletes every screenshot whose deadline has passed (dev mode keeps its last few). */
  Future<Void> sweepExpired() {
    List<Future<Void>> deletions = new ArrayList<>();
    for (ScreenshotId id : deadlines.pollDue(clock.wallMicros())) {
      if (config.devMode() && devModeKept.contains(id)) {
        continue;
      }
      deletions.add(delete(id, "retention passed"));
    }
    return Future.all(deletions).mapEmpty();
  }

  private void rememberForDevMode(ScreenshotId id) {
    if (!config.devMode()) {
      return;
    }
    devModeKept.addLast(id);
    while (devModeKept.size() > config.devModeScreenshotCount()) {
      ScreenshotId dropped = devModeKept.removeFirst();
      // Its deadline may already have passed while dev mode held it.
      deadlines.add(dropped, clock.wallMicros());
    }
  }

  /** Removes both copies, then checks that neither is left before counting the deletion. */
  private Future<Void> delete(ScreenshotId id, String why) {
    Held h = held.remove(id);
    masking.forget(id);
    memory.invalidate(id);
    expired.put(id, why);
    if (h == null) {
      return Future.succeededFuture();
    }
    if (h.fileKey() != null) {
      h.fileKey().forget(); // the file is noise from here on, whatever happens to the delete
    }
    Future<Void> fileGone = h.onDisk()
        ? h.written().transform(ar -> fs.delete(h.file().toString())).recover(err -> fs.exists(h.file().toString())
            .compose(exists -> exists ? Future.failedFuture(err) : Future.succeededFuture()))
        : Future.succeededFuture();
    return fileGone
        .compose(v -> h.onDisk() ? fs.exists(h.file().toString()) : Future.succeededFuture(false))
        .compose(stillThere -> {
          if (stillThere || memory.getIfPresent(id) != null) {
            return Future.failedFuture("screenshot " + id + " is still present after deletion");
          }
          metrics.screenshotsDeleted(1);
          metrics.screenshotsHeld(memory.estimatedSize(), countOnDisk());
          vertx.eventBus().publish(Addresses.SCREENSHOT_DELETED, id.toString());
          return Future.<Void>succeededFuture();
        });
  }

  private void onMemoryRemoval(ScreenshotId id, byte[] bytes, RemovalCause cause) {
    if (bytes != null) {
      java.util.Arrays.fill(bytes, (byte) 0); // our copy: nobody else holds it
    }
    if (cause.wasEvicted()) {
      // The byte or count bound pushed a screenshot out before its deadline: say so.
      metrics.screenshotEvicted();
      expired.put(id, "evicted from the memory cache before its retention ended (cache bound)");
      held.remove(id);
      masking.forget(id);
      LOG.warn("screenshot {} ({} bytes) evicted early by the memory cache bound; raise"
          + " storage.screenshot_memory_cache_max_mb to keep screenshots for their full retention",
          id, bytes == null ? 0 : bytes.length);
    }
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
    Held h = held.get(id);
    if (h == null) {
      String why = expired.getIfPresent(id);
      if (why != null) {
        metrics.expiredFetch();
        message.fail(ErrorCode.EXPIRED.failureCode(), "EXPIRED: screenshot " + id + " was deleted ("
            + why + "); its metadata stays in screenshot_metadata");
      } else {
        message.fail(ErrorCode.NOT_FOUND.failureCode(), "NOT_FOUND: no screenshot " + id);
      }
      return;
    }
    Future<byte[]> bytes;
    if (h.onDisk()) {
      bytes = h.written().compose(v -> fs.readFile(h.file().toString())).map(Buffer::getBytes);
      if (h.fileKey() != null) {
        bytes = bytes.compose(sealed -> vertx.executeBlocking(() -> h.fileKey().open(sealed), false));
      }
    } else {
      byte[] cached = memory.getIfPresent(id);
      // A copy: the cached array is zeroed when it leaves the cache.
      bytes = Future.succeededFuture(cached == null ? null : cached.clone());
    }
    ScreenshotMetadata m = h.metadata();
    bytes.onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        message.fail(ErrorCode.EXPIRED.failureCode(), "EXPIRED: screenshot " + id
            + " was deleted while being fetched");
        return;
      }
      // Only a masked copy leaves the module (issue 16); analysis above read the raw pixels.
      masking.masked(id, ar.result(), m.format(), m.width(), m.height(), m.appName(), m.windowTitle())
          .onSuccess(masked -> message.reply(toJson(m).put("data", masked.data())
              .put("format", masked.format().name()).put("masking", masked.toJson())))
          .onFailure(err -> message.fail(ErrorCode.UNAVAILABLE.failureCode(), "UNAVAILABLE: screenshot "
              + id + " could not be masked (" + err.getMessage() + "); it is not handed out unmasked"));
    });
  }

  /** Metadata as JSON; {@code data} (added by fetch) is base64 in the JSON encoding. */
  static JsonObject toJson(ScreenshotMetadata m) {
    return new JsonObject()
        .put("id", m.id().toString())
        .put("timestampMicros", m.timestampMicros())
        .put("sessionId", m.sessionId().toString())
        .put("windowTitle", m.windowTitle())
        .put("appName", m.appName())
        .put("region", new JsonObject().put("x", m.region().x()).put("y", m.region().y())
            .put("width", m.region().width()).put("height", m.region().height()))
        .put("width", m.width())
        .put("height", m.height())
        .put("format", m.format().name())
        .put("sizeBytes", m.sizeBytes())
        .put("storage", m.storage())
        .put("textDensity", m.textDensity())
        .put("uiElementCount", m.uiElementCount())
        .put("dominantColors", new JsonArray(new ArrayList<Object>(m.dominantColors())))
        .put("privacyMasked", m.privacyMasked())
        .put("analysisError", m.analysisError());
  }

  private long countOnDisk() {
    return held.values().stream().filter(Held::onDisk).count();
  }

  @Override
  public Future<?> stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    // Privacy first: retention cannot be honoured while stopped, so nothing is left behind.
    List<Future<Void>> deletions = new ArrayList<>();
    for (ScreenshotId id : new ArrayList<>(held.keySet())) {
      deletions.add(delete(id, "module stopped"));
    }
    return Future.join(deletions).onComplete(ar -> memory.invalidateAll())
        .compose(v -> masking == null ? Future.succeededFuture() : masking.close(),
            err -> masking == null ? Future.failedFuture(err) : masking.close()
                .transform(ignored -> Future.failedFuture(err)));
  }
}
