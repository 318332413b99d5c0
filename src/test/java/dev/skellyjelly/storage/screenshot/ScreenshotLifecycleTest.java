package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.ManualClock;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ScreenshotLifecycleTest {

  @TempDir
  Path dir;

  /** A durable producer's request: answered after the screenshot's metadata is committed. */
  private static final DeliveryOptions COMMITTED = new DeliveryOptions()
      .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);

  private final UUID session = UUID.randomUUID();
  private final AtomicLong sequence = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** 10 KiB memory threshold; a short window; retention of 1 s measured on the manual clock. */
  private JsonObject storage() {
    return TestSupport.storageTable(dir)
        .put("screenshot_memory_threshold_mb", 10.0 / 1024)
        .put("screenshot_memory_cache_max_mb", 1)
        .put("batch_window_seconds", 0.1)
        .put("screenshot_retention_seconds", 1);
  }

  private RawEvent.Screenshot shot(int bytes, ImageFormat format, int w, int h) {
    byte[] data = new byte[bytes];
    new Random(bytes).nextBytes(data);
    return new RawEvent.Screenshot(5_000_000L, session, sequence.getAndIncrement(),
        ScreenshotId.random(), data, format, w, h, "Secret document", "editor",
        new ScreenRegion(0, 0, w, h), false);
  }

  private Future<StorageModule> deploy(Vertx vertx, StorageConfig config, ManualClock clock) {
    return StorageModule.deploy(vertx, config, registry, clock);
  }

  private Future<JsonObject> fetch(Vertx vertx, ScreenshotId id) {
    return vertx.eventBus().<JsonObject>request(Addresses.SCREENSHOTS_GET, id.toString())
        .map(m -> m.body());
  }

  @Test
  void smallGoesToMemoryLargeToAPrivateFileAndBothAreFetchable(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(storage());
    RawEvent.Screenshot small = shot(4 * 10 * 10, ImageFormat.RAW_RGBA, 10, 10);
    RawEvent.Screenshot large = shot(4 * 80 * 80, ImageFormat.RAW_BGRA, 80, 80);
    deploy(vertx, config, new ManualClock(5_000_000L))
        .compose(m -> vertx.eventBus().request(Addresses.EVENTS_RAW, small, COMMITTED)
            .compose(r -> vertx.eventBus().request(Addresses.EVENTS_RAW, large, COMMITTED))
            .compose(r -> Future.all(fetch(vertx, small.screenshotId()), fetch(vertx, large.screenshotId())))
            .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
              JsonObject fromMemory = all.resultAt(0);
              JsonObject fromDisk = all.resultAt(1);
              assertEquals("memory", fromMemory.getString("storage"));
              assertEquals("disk", fromDisk.getString("storage"));
              assertArrayEquals(small.data(), fromMemory.getBinary("data"));
              assertArrayEquals(large.data(), fromDisk.getBinary("data"));
              Path file = config.screenshotDir().resolve(large.screenshotId() + ".img");
              assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
              assertEquals("rwx------", PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(config.screenshotDir())));
              try (var files = Files.list(config.screenshotDir())) {
                assertEquals(List.of(file), files.toList(), "only the large one is on disk, no temp left");
              }
              assertEquals(2, TestSupport.queryLong(config.databasePath(),
                  "SELECT count(*) FROM screenshot_metadata WHERE analysis_error IS NULL"));
              m.undeploy().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                assertFalse(Files.exists(file), "nothing is left behind on stop");
                ctx.completeNow();
              })));
            }))));
  }

  @Test
  void withEncryptionOnAScreenshotFileIsSealedUnderAKeyOnlyInMemory(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = StorageConfig.fromJson(new JsonObject().put("storage", storage())
        .put("http", new JsonObject().put("enabled", false))
        .put("encryption", new JsonObject().put("enabled", true).put("key_file", dir.resolve("storage.key").toString())));
    RawEvent.Screenshot large = shot(4 * 80 * 80, ImageFormat.RAW_BGRA, 80, 80);
    Path file = config.screenshotDir().resolve(large.screenshotId() + ".img");
    deploy(vertx, config, new ManualClock(5_000_000L))
        .compose(m -> vertx.eventBus().request(Addresses.EVENTS_RAW, large)
            .compose(r -> fetch(vertx, large.screenshotId()))
            .map(fetched -> {
              ctx.verify(() -> {
                assertArrayEquals(large.data(), fetched.getBinary("data"), "the fetch opens it");
                byte[] onDisk = Files.readAllBytes(file);
                assertEquals(large.data().length + 12 + 16, onDisk.length, "nonce and tag around the pixels");
                byte[] firstPixels = java.util.Arrays.copyOf(large.data(), 64);
                assertEquals(-1, java.util.Collections.indexOfSubList(toList(onDisk), toList(firstPixels)),
                    "no run of the pixels is on disk");
              });
              return m;
            }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  private static List<Byte> toList(byte[] bytes) {
    List<Byte> out = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      out.add(b);
    }
    return out;
  }

  @Test
  void theByteBoundHoldsAndEarlyEvictionsAreCounted(Vertx vertx, VertxTestContext ctx) {
    // 40 KiB cache, screenshots of 9.6 KiB just under the 10 KiB threshold: 4 fit.
    StorageConfig config = TestSupport.config(storage()
        .put("screenshot_memory_cache_max_mb", 40.0 / 1024)
        .put("screenshot_memory_cache_size", 50));
    List<RawEvent.Screenshot> shots = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      shots.add(shot(4 * 40 * 60, ImageFormat.RAW_RGBA, 40, 60));
    }
    List<Future<JsonObject>> fetches = new ArrayList<>();
    deploy(vertx, config, new ManualClock(5_000_000L)).compose(m -> {
      Future<?> chain = Future.succeededFuture();
      for (RawEvent.Screenshot s : shots) {
        chain = chain.compose(v -> vertx.eventBus().request(Addresses.EVENTS_RAW, s));
      }
      return chain.compose(v -> {
        shots.forEach(s -> fetches.add(fetch(vertx, s.screenshotId())));
        return Future.join(fetches).transform(ar -> Future.succeededFuture(m));
      });
    }).onComplete(ctx.succeeding(m -> ctx.verify(() -> {
      double evicted = registry.get("skelly.screenshots.evicted").counter().count();
      double inMemory = registry.get("skelly.screenshots.in.memory").gauge().value();
      assertTrue(evicted >= 8, "evictions counted: " + evicted);
      assertTrue(inMemory * 4 * 40 * 60 <= 40 * 1024, "bytes held within the bound: " + inMemory);
      ReplyException first = (ReplyException) fetches.get(0).cause();
      assertEquals(ErrorCode.EXPIRED.failureCode(), first.failureCode());
      assertTrue(first.getMessage().contains("evicted"), first.getMessage());
      long live = fetches.stream().filter(Future::succeeded).count();
      assertTrue(live >= 1 && live <= 4, "what is still fetchable fits the bound: " + live);
      fetches.stream().filter(Future::failed).forEach(f -> assertTrue(
          f.cause().getMessage().contains("evicted"), f.cause().getMessage()));
      m.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  @Test
  void deletedAtWindowClosePlusRetentionAndExpiredAfter(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(storage());
    ManualClock clock = new ManualClock(5_000_000L);
    RawEvent.Screenshot large = shot(4 * 80 * 80, ImageFormat.RAW_BGRA, 80, 80);
    Path file = config.screenshotDir().resolve(large.screenshotId() + ".img");
    List<EventBatch> batches = new ArrayList<>();
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, msg -> {
      batches.add(msg.body());
      // The window closed: retention starts now. Still fetchable until the clock passes it.
      fetch(vertx, large.screenshotId()).onComplete(ctx.succeeding(live -> ctx.verify(() -> {
        assertTrue(Files.exists(file));
        clock.advanceMillis(999);
        vertx.setTimer(300, t -> fetch(vertx, large.screenshotId())
            .onComplete(ctx.succeeding(stillLive -> clock.advanceMillis(2))));
      })));
    });
    vertx.eventBus().<String>localConsumer(Addresses.SCREENSHOT_DELETED, msg -> ctx.verify(() -> {
      assertEquals(large.screenshotId().toString(), msg.body());
      assertTrue(clock.wallMicros() >= 5_000_000L + 1_000_000L, "not deleted before the deadline");
      assertFalse(Files.exists(file), "file gone");
      assertEquals(List.of(large.screenshotId()), batches.get(0).screenshotRefs());
      fetch(vertx, large.screenshotId()).onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertEquals(ErrorCode.EXPIRED.failureCode(), ((ReplyException) err).failureCode());
        ctx.completeNow();
      })));
    }));
    deploy(vertx, config, clock).onComplete(ctx.succeeding(m ->
        vertx.eventBus().request(Addresses.EVENTS_RAW, large)));
  }

  @Test
  void aDeletionThatFailsIsTriedAgainUntilTheFileIsGone(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(storage());
    ManualClock clock = new ManualClock(5_000_000L);
    RawEvent.Screenshot large = shot(4 * 80 * 80, ImageFormat.RAW_BGRA, 80, 80);
    Path file = config.screenshotDir().resolve(large.screenshotId() + ".img");
    Path blocker = file.resolve("blocker");
    List<String> deleted = new ArrayList<>();
    vertx.eventBus().<String>localConsumer(Addresses.SCREENSHOT_DELETED, msg -> deleted.add(msg.body()));
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, msg -> ctx.verify(() -> {
      // The window closed. The file is swapped for a directory that cannot be deleted while it
      // holds something (root ignores permissions, not this), and the deadline passes.
      Files.delete(file);
      Files.createDirectory(file);
      Files.writeString(blocker, "x");
      clock.advanceMillis(1_001);
      vertx.setTimer(600, t -> ctx.verify(() -> {
        assertTrue(Files.exists(file), "the failed deletion left it");
        assertEquals(List.of(), deleted, "not announced as deleted");
        fetch(vertx, large.screenshotId()).onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ErrorCode.EXPIRED.failureCode(), ((ReplyException) err).failureCode(),
              "past its retention it is never handed out, even while its file is still there");
          assertTrue(err.getMessage().contains("(retention passed)"),
              "expired for its retention, not for a failed read: " + err.getMessage());
          Files.delete(blocker);
          clock.advanceMillis(300);
          vertx.setTimer(600, t2 -> ctx.verify(() -> {
            assertFalse(Files.exists(file), "deleted on a later sweep");
            assertEquals(List.of(large.screenshotId().toString()), deleted, "announced once it is gone");
            ctx.completeNow();
          }));
        })));
      }));
    }));
    deploy(vertx, config, clock).onComplete(ctx.succeeding(m ->
        vertx.eventBus().request(Addresses.EVENTS_RAW, large)));
  }

  @Test
  void anUnknownIdIsNotFound(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, TestSupport.config(storage()), new ManualClock(1))
        .compose(m -> fetch(vertx, ScreenshotId.random()))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ErrorCode.NOT_FOUND.failureCode(), ((ReplyException) err).failureCode());
          ctx.completeNow();
        })));
  }

  @Test
  void leftoverFilesFromACrashAreDeletedBeforeEventsAreAccepted(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    StorageConfig config = TestSupport.config(storage());
    Files.createDirectories(config.screenshotDir());
    Path leftover = Files.writeString(config.screenshotDir().resolve("0000.img"), "private pixels");
    Path halfWritten = Files.writeString(config.screenshotDir().resolve("0001.tmp"), "half");
    deploy(vertx, config, new ManualClock(1)).onComplete(ctx.succeeding(m -> ctx.verify(() -> {
      assertFalse(Files.exists(leftover));
      assertFalse(Files.exists(halfWritten));
      m.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  @Test
  void badImagesAreKeptAndTheirMetadataSaysWhyAnalysisFailed(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(storage());
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H'};
    RawEvent.Screenshot truncatedPng = new RawEvent.Screenshot(5_000_000L, session, 90,
        ScreenshotId.random(), png, ImageFormat.PNG, 0, 0, "t", "a", new ScreenRegion(0, 0, 1, 1), false);
    RawEvent.Screenshot mismatched = shot(1000, ImageFormat.RAW_RGBA, 10, 10);
    RawEvent.Screenshot empty = new RawEvent.Screenshot(5_000_000L, session, 91,
        ScreenshotId.random(), new byte[0], ImageFormat.JPEG, 0, 0, "t", "a", new ScreenRegion(0, 0, 0, 0), false);
    var bus = vertx.eventBus();
    deploy(vertx, config, new ManualClock(1))
        .compose(m -> Future.all(bus.request(Addresses.EVENTS_RAW, truncatedPng, COMMITTED),
            bus.request(Addresses.EVENTS_RAW, mismatched, COMMITTED), bus.request(Addresses.EVENTS_RAW, empty, COMMITTED))
            .compose(v -> fetch(vertx, mismatched.screenshotId()))
            .onComplete(ctx.succeeding(fetched -> ctx.verify(() -> {
              assertNotNull(fetched.getString("analysisError"));
              assertNull(fetched.getValue("textDensity"));
              assertEquals(3, TestSupport.queryLong(config.databasePath(),
                  "SELECT count(*) FROM screenshot_metadata WHERE analysis_error IS NOT NULL"));
              assertEquals(1, TestSupport.queryLong(config.databasePath(),
                  "SELECT count(*) FROM screenshot_metadata WHERE analysis_error LIKE '%needs 400%'"));
              assertEquals(1, TestSupport.queryLong(config.databasePath(),
                  "SELECT count(*) FROM screenshot_metadata WHERE analysis_error LIKE '%PNG%'"));
              m.undeploy().onComplete(ctx.succeedingThenComplete());
            }))));
  }
}
