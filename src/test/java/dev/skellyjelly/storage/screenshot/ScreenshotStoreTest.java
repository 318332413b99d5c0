package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.PrivateFilesAssert;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.ScreenshotStorage;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The store alone: bytes on disk, their modes, verified deletion, and what a fetch hears after. */
@ExtendWith(VertxExtension.class)
class ScreenshotStoreTest {

  @TempDir
  Path dir;

  private final List<ScreenshotId> gone = new ArrayList<>();

  private StorageConfig config() {
    return TestSupport.config(TestSupport.storageTable(dir).put("screenshot_memory_threshold_mb", 10.0 / 1024));
  }

  private static RawEvent.Screenshot shot(int bytes) {
    byte[] data = new byte[bytes];
    new Random(bytes).nextBytes(data);
    return new RawEvent.Screenshot(1, UUID.randomUUID(), 1, ScreenshotId.random(), data,
        ImageFormat.RAW_BGRA, 0, 0, "t", "a", new ScreenRegion(0, 0, 1, 1), false);
  }

  private static ScreenshotMetadata metadata(RawEvent.Screenshot s, ScreenshotStorage storage) {
    return new ScreenshotMetadata(s.screenshotId(), s.timestampMicros(), s.sessionId(), s.sequence(), "t",
        "a", s.region(), 1, 1, s.format(), s.data().length, storage, null, null, null, false, "not analysed");
  }

  private ScreenshotStore store(Vertx vertx, StorageConfig config) {
    return new ScreenshotStore(vertx, config, new StorageMetrics(new SimpleMeterRegistry(),
        config.writeInterval()), gone::add);
  }

  @Test
  void aLargeScreenshotIsAPrivateFileUntilItsVerifiedDeletion(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = config();
    ScreenshotStore store = store(vertx, config);
    RawEvent.Screenshot s = shot(20_000);
    Path file = config.screenshotDir().resolve(s.screenshotId() + ".img");
    store.prepareDirectory()
        .compose(leftovers -> {
          ScreenshotStore.Incoming in = store.begin(s, false);
          store.hold(in, metadata(s, in.storage()));
          return store.copy(s.screenshotId()).map(copy -> {
            ctx.verify(() -> {
              assertEquals(ScreenshotStorage.DISK, copy.metadata().storage());
              assertArrayEquals(s.data(), copy.bytes());
              assertArrayEquals(s.data(), Files.readAllBytes(file));
              PrivateFilesAssert.assertPrivateTree(dir.resolve("shots"));
            });
            return copy;
          });
        })
        .compose(copy -> store.delete(s.screenshotId(), "retention passed"))
        .compose(deleted -> {
          ctx.verify(() -> {
            assertTrue(deleted);
            assertFalse(Files.exists(file));
            assertEquals(List.of(s.screenshotId()), gone, "masking hears it is gone");
          });
          return store.copy(s.screenshotId());
        })
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ErrorCode.EXPIRED, ((StorageException) err).code());
          assertTrue(err.getMessage().contains("retention passed"), err.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aScreenshotThatWillNeverBeHeldLeavesNoFile(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = config();
    ScreenshotStore store = store(vertx, config);
    RawEvent.Screenshot s = shot(20_000);
    store.prepareDirectory()
        .compose(leftovers -> store.abandon(store.begin(s, false), "it could not be analysed: closing"))
        .compose(v -> {
          ctx.verify(() -> {
            try (var files = Files.list(config.screenshotDir())) {
              assertEquals(List.of(), files.toList());
            }
          });
          return store.copy(s.screenshotId());
        })
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ErrorCode.EXPIRED, ((StorageException) err).code());
          assertTrue(err.getMessage().contains("could not be analysed"), err.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void lowDiskKeepsNoBytesAndAFetchSaysSo(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = config();
    ScreenshotStore store = store(vertx, config);
    RawEvent.Screenshot s = shot(20_000);
    store.prepareDirectory()
        .compose(leftovers -> {
          ScreenshotStore.Incoming in = store.begin(s, true);
          ctx.verify(() -> assertEquals(ScreenshotStorage.NOT_KEPT_LOW_DISK, in.storage()));
          store.hold(in, metadata(s, in.storage()));
          return store.copy(s.screenshotId());
        })
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ErrorCode.EXPIRED, ((StorageException) err).code());
          assertTrue(err.getMessage().contains("min_free_space_mb"), err.getMessage());
          try (var files = Files.list(config.screenshotDir())) {
            assertEquals(List.of(), files.toList());
          }
          ctx.completeNow();
        })));
  }
}
