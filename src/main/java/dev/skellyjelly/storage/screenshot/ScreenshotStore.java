package dev.skellyjelly.storage.screenshot;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.ScreenshotStorage;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.OneTimeKey;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where screenshot bytes live during their retention. Below the memory threshold: a Caffeine
 * cache bounded by count and by bytes, whose early evictions are counted and remembered. At or
 * above it: a private file (600 in a 700 directory, written to a temporary name and renamed on a
 * worker thread), sealed under a key held only in memory when encryption is on. Deletion removes
 * both copies and then checks that neither is left. Every id deleted, evicted or lost is
 * remembered with the reason, so a later fetch answers {@code EXPIRED} saying why.
 *
 * <p>Not thread-safe: used from its verticle's event loop only.
 */
final class ScreenshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(ScreenshotStore.class);
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final String PRIVATE_DIR = "rwx------";
  private static final int REMEMBERED_EXPIRED = 100_000;

  /** A screenshot on its way in: its route, and for a file its write (started, maybe not done). */
  record Incoming(RawEvent.Screenshot screenshot, ScreenshotStorage storage, Path file,
      OneTimeKey fileKey, Future<Void> written) {
  }

  /** A screenshot's metadata and a copy of its bytes, as a fetch gets them. */
  record Copy(ScreenshotMetadata metadata, byte[] bytes) {
  }

  /** A screenshot held: in the memory cache, or in {@code file} once {@code written} completes. */
  private record Held(ScreenshotMetadata metadata, Path file, OneTimeKey fileKey, Future<Void> written) {
    boolean onDisk() {
      return file != null;
    }
  }

  private final Vertx vertx;
  private final FileSystem fs;
  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final Consumer<ScreenshotId> onGone;
  private final Map<ScreenshotId, Held> held = new HashMap<>();
  /**
   * Screenshots past their deletion whose file could not be removed: kept apart from {@link #held}
   * so that a fetch calls them expired while deleting them again still reaches the file.
   */
  private final Map<ScreenshotId, Held> undeleted = new HashMap<>();
  private final Cache<ScreenshotId, String> expired = Caffeine.newBuilder()
      .maximumSize(REMEMBERED_EXPIRED).build();
  private final Cache<ScreenshotId, byte[]> memory;

  /** {@code onGone} hears each id whose bytes left early or on time (e.g. to drop masking results). */
  ScreenshotStore(Vertx vertx, StorageConfig config, StorageMetrics metrics, Consumer<ScreenshotId> onGone) {
    this.vertx = vertx;
    this.fs = vertx.fileSystem();
    this.config = config;
    this.metrics = metrics;
    this.onGone = onGone;
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
  }

  /**
   * Creates the directory (700, also when it existed with looser rights) and deletes every file
   * a crashed run left in it; completes with how many there were.
   */
  Future<Integer> prepareDirectory() {
    String dir = config.screenshotDir().toString();
    return fs.mkdirs(dir, PRIVATE_DIR)
        .compose(v -> fs.chmod(dir, PRIVATE_DIR)) // mkdirs is subject to the umask; an old dir too
        .compose(v -> fs.readDir(dir))
        .compose(files -> Future.all(files.stream().map(fs::delete).toList())
            .map(v -> {
              metrics.screenshotsDeleted(files.size());
              return files.size();
            }));
  }

  /**
   * Starts keeping {@code s}: below the threshold it goes to memory (in {@link #hold}); above it
   * the file write starts now, in parallel with the analysis, unless {@code diskLow}.
   */
  Incoming begin(RawEvent.Screenshot s, boolean diskLow) {
    if (s.data().length < config.screenshotMemoryThresholdBytes()) {
      return new Incoming(s, ScreenshotStorage.MEMORY, null, null, Future.succeededFuture());
    }
    if (diskLow) {
      // Disk guard: no screenshot files while space is low; metadata is still stored.
      metrics.screenshotNotWritten();
      return new Incoming(s, ScreenshotStorage.NOT_KEPT_LOW_DISK, null, null, Future.succeededFuture());
    }
    Path file = config.screenshotDir().resolve(s.screenshotId() + ".img");
    OneTimeKey key = config.encryption().enabled() ? new OneTimeKey() : null;
    Future<Void> written = writeFile(s, file, key).onFailure(err -> fileLost(s.screenshotId(), err));
    return new Incoming(s, ScreenshotStorage.DISK, file, key, written);
  }

  /**
   * Holds the screenshot for fetches under its metadata; a copy whose file already failed, or
   * one not kept, is not held.
   */
  void hold(Incoming in, ScreenshotMetadata metadata) {
    ScreenshotId id = metadata.id();
    switch (in.storage()) {
      case MEMORY -> {
        held.put(id, new Held(metadata, null, null, in.written()));
        // Our own copy: the producer may reuse its array, and ours is zeroed when dropped.
        memory.put(id, in.screenshot().data().clone()); // may evict at once: the listener drops it
      }
      case DISK -> {
        if (!in.written().failed()) {
          held.put(id, new Held(metadata, in.file(), in.fileKey(), in.written()));
        }
      }
      case NOT_KEPT_LOW_DISK -> {
        expired.put(id, "it was not kept: free disk space was below storage.min_free_space_mb");
      }
    }
    metrics.screenshotsHeld(memory.estimatedSize(), countOnDisk());
  }

  /** Drops a screenshot that will never be held: its file, if one is being written, goes too. */
  Future<Void> abandon(Incoming in, String why) {
    ScreenshotId id = in.screenshot().screenshotId();
    expired.put(id, why);
    if (in.fileKey() != null) {
      in.fileKey().forget();
    }
    if (in.file() == null) {
      return Future.succeededFuture();
    }
    String file = in.file().toString();
    return in.written().transform(ar -> fs.exists(file))
        .compose(exists -> exists ? fs.delete(file) : Future.succeededFuture());
  }

  /**
   * A copy of the bytes with their metadata; fails with {@code EXPIRED} (saying why) for a
   * screenshot deleted, evicted or lost, {@code NOT_FOUND} for an id never held.
   */
  Future<Copy> copy(ScreenshotId id) {
    Held h = held.get(id);
    if (h == null) {
      String why = expired.getIfPresent(id);
      if (why == null) {
        return Future.failedFuture(new StorageException(ErrorCode.NOT_FOUND, "no screenshot " + id));
      }
      metrics.expiredFetch();
      return Future.failedFuture(new StorageException(ErrorCode.EXPIRED, "screenshot " + id
          + " was deleted (" + why + "); its metadata stays in screenshot_metadata"));
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
    return bytes.transform(ar -> ar.succeeded() && ar.result() != null
        ? Future.succeededFuture(new Copy(h.metadata(), ar.result()))
        : Future.failedFuture(new StorageException(ErrorCode.EXPIRED, "screenshot " + id
            + " was deleted while being fetched")));
  }

  /**
   * Removes both copies, then checks that neither is left. Completes with {@code true} once a
   * held screenshot is verifiably gone, {@code false} when nothing was held under the id; fails
   * when a copy is still present, and keeps its file in view (never fetchable again) so that
   * deleting it again retries.
   */
  Future<Boolean> delete(ScreenshotId id, String why) {
    Held h = held.containsKey(id) ? held.remove(id) : undeleted.remove(id);
    memory.invalidate(id);
    expired.put(id, why);
    onGone.accept(id);
    if (h == null) {
      return Future.succeededFuture(false);
    }
    if (h.fileKey() != null) {
      h.fileKey().forget(); // the file is noise from here on, whatever happens to the delete
    }
    String file = h.onDisk() ? h.file().toString() : null;
    Future<Void> fileGone = file == null ? Future.succeededFuture()
        : h.written().transform(ar -> fs.delete(file)).recover(err -> fs.exists(file)
            .compose(exists -> exists ? Future.failedFuture(err) : Future.succeededFuture()));
    return fileGone
        .compose(v -> file == null ? Future.succeededFuture(false) : fs.exists(file))
        .compose(stillThere -> {
          if (stillThere || memory.getIfPresent(id) != null) {
            return Future.failedFuture("screenshot " + id + " is still present after deletion");
          }
          metrics.screenshotsDeleted(1);
          metrics.screenshotsHeld(memory.estimatedSize(), countOnDisk());
          return Future.succeededFuture(true);
        })
        .onFailure(err -> undeleted.put(id, h));
  }

  /** Every id held now, and every one whose deletion failed: what a stop must delete. */
  List<ScreenshotId> heldIds() {
    List<ScreenshotId> ids = new ArrayList<>(held.keySet());
    ids.addAll(undeleted.keySet());
    return ids;
  }

  /** Drops whatever is left in memory (after the deletions on stop). */
  void clear() {
    memory.invalidateAll();
  }

  /**
   * Temp name first, created 600, then an atomic rename: a reader never sees half a screenshot.
   * One blocking task on a worker thread, not the event loop. (Vert.x's file-system calls were
   * measured 10 ms slower for a 5 MB screenshot — two extra copies through a Buffer; the sweep,
   * reads and deletes use them.)
   */
  private Future<Void> writeFile(RawEvent.Screenshot s, Path target, OneTimeKey key) {
    Path temp = config.screenshotDir().resolve(s.screenshotId() + ".tmp");
    return vertx.executeBlocking(() -> {
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

  /** A file that could not be written: its screenshot is gone, and says why. */
  private void fileLost(ScreenshotId id, Throwable err) {
    LOG.error("screenshot {} is lost: {}", id, err.getMessage());
    metrics.screenshotNotWritten();
    Held h = held.remove(id);
    if (h != null && h.fileKey() != null) {
      h.fileKey().forget();
    }
    expired.put(id, "its file could not be written: " + err.getMessage());
    onGone.accept(id);
  }

  private void onMemoryRemoval(ScreenshotId id, byte[] bytes, RemovalCause cause) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0); // our copy: nobody else holds it
    }
    if (cause.wasEvicted()) {
      // The byte or count bound pushed a screenshot out before its deadline: say so.
      metrics.screenshotEvicted();
      expired.put(id, "evicted from the memory cache before its retention ended (cache bound)");
      held.remove(id);
      onGone.accept(id);
      LOG.warn("screenshot {} ({} bytes) evicted early by the memory cache bound; raise"
          + " storage.screenshot_memory_cache_max_mb to keep screenshots for their full retention",
          id, bytes == null ? 0 : bytes.length);
    }
  }

  private long countOnDisk() {
    return held.values().stream().filter(Held::onDisk).count();
  }
}
