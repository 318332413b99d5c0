package dev.skellyjelly.storage.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import dev.skellyjelly.storage.event.ScreenshotChunkEncoding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Screenshots in chunks into the module, as their wire bytes (the path cluster traffic takes):
 * joined, stored and answered like a whole one; sent again after a lost reply, stored once; a
 * corrupt chunk answered {@code DECODE} while the next screenshot is stored; an incomplete one
 * timed out, counted and its memory freed.
 */
@ExtendWith(VertxExtension.class)
class ScreenshotChunkReceiverTest {

  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private static final DeliveryOptions COMMITTED = new DeliveryOptions()
      .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);

  private static RawEvent.Screenshot screenshot(UUID session, boolean large) {
    SyntheticCapture capture = new SyntheticCapture(session, 11);
    capture.next(1_763_950_000_000_000L);
    return capture.screenshot(1_763_950_000_001_000L, large);
  }

  private static Buffer wire(ScreenshotChunk chunk) {
    return Buffer.buffer(ScreenshotChunkEncoding.encode(chunk));
  }

  /** Sends the chunks in order, each after the previous one's answer; the last one's reply. */
  private static Future<Message<Object>> sendAll(Vertx vertx, List<ScreenshotChunk> chunks, int from,
      VertxTestContext ctx) {
    ScreenshotChunk chunk = chunks.get(from);
    boolean last = from == chunks.size() - 1;
    return vertx.eventBus().request(Addresses.EVENTS_RAW, wire(chunk), last ? COMMITTED : new DeliveryOptions())
        .compose(reply -> {
          if (last) {
            return Future.succeededFuture(reply);
          }
          ctx.verify(() -> assertEquals(from, ((Number) reply.body()).intValue(), "a chunk is answered with its index"));
          return sendAll(vertx, chunks, from + 1, ctx);
        });
  }

  @Test
  void aChunkedScreenshotIsStoredAnsweredAfterCommitAndAResentOneIsStoredOnce(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    RawEvent.Screenshot shot = screenshot(UUID.randomUUID(), true);
    List<ScreenshotChunk> chunks = ScreenshotChunk.split(shot, 512 * 1024);
    StorageModule.deploy(vertx, config, registry)
        .compose(module -> sendAll(vertx, chunks, 0, ctx)
            .compose(reply -> {
              ctx.verify(() -> {
                assertEquals(shot.sequence(), reply.body(), "the last chunk is answered with the sequence");
                assertEquals(1, TestSupport.queryLong(config.databasePath(), "SELECT count(*) FROM"
                    + " screenshot_metadata WHERE size_bytes = " + shot.data().length
                    + " AND analysis_error IS NULL AND text_density IS NOT NULL"), "committed before the answer");
              });
              // Its reply lost, the producer sends it again.
              return sendAll(vertx, chunks, 0, ctx);
            })
            .compose(again -> vertx.eventBus().<JsonObject>request(Addresses.SCREENSHOTS_GET,
                shot.screenshotId().toString()))
            .map(fetched -> {
              ctx.verify(() -> {
                assertArrayEquals(shot.data(), fetched.body().getBinary("data"), "the bytes, joined");
                assertEquals(1, TestSupport.queryLong(config.databasePath(),
                    "SELECT count(*) FROM screenshot_metadata"), "stored once");
                assertEquals(0.0, registry.get("skelly.screenshot.reassembly").gauge().value());
              });
              return module;
            }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aCorruptChunkIsAnsweredDecodeAndTheNextScreenshotIsStored(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    List<ScreenshotChunk> broken = ScreenshotChunk.split(screenshot(session, false), 100_000);
    byte[] corrupt = ScreenshotChunkEncoding.encode(broken.get(1));
    corrupt[corrupt.length / 2] ^= 0x04;
    RawEvent.Screenshot next = screenshot(UUID.randomUUID(), false);
    var bus = vertx.eventBus();
    StorageModule.deploy(vertx, config, registry)
        .compose(module -> bus.request(Addresses.EVENTS_RAW, wire(broken.get(0)))
            .compose(r -> FrameReceiverTest.refusal(bus.request(Addresses.EVENTS_RAW, Buffer.buffer(corrupt)),
                ErrorCode.DECODE, ctx, "checksum"))
            // Its screenshot cannot go on: chunk 2 after a missing chunk 1 drops it, saying so.
            .compose(r -> FrameReceiverTest.refusal(bus.request(Addresses.EVENTS_RAW, wire(broken.get(2))),
                ErrorCode.INVALID_EVENT, ctx, "arrived when chunk 1 of " + (broken.size() - 1) + " was expected"))
            .compose(r -> FrameReceiverTest.refusal(bus.request(Addresses.EVENTS_RAW, wire(broken.get(2))),
                ErrorCode.INVALID_EVENT, ctx, "without its chunk 0"))
            .compose(r -> sendAll(vertx, ScreenshotChunk.split(next, 100_000), 0, ctx))
            .map(reply -> {
              ctx.verify(() -> {
                assertEquals(1, TestSupport.queryLong(config.databasePath(),
                    "SELECT count(*) FROM screenshot_metadata"), "only the good one");
                assertEquals(1.0, registry.get("skelly.decode.errors").counter().count());
                assertEquals(2.0, registry.get("skelly.screenshot.chunks.refused")
                    .tag("code", "INVALID_EVENT").counter().count());
              });
              return module;
            }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anIncompleteScreenshotTimesOutIsCountedAndItsMemoryFreed(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = StorageConfig.fromJson(new JsonObject()
        .put("storage", TestSupport.storageTable(dir))
        .put("http", new JsonObject().put("enabled", false))
        .put("cluster", new JsonObject().put("screenshot_reassembly_timeout_seconds", 0.1)));
    List<ScreenshotChunk> chunks = ScreenshotChunk.split(screenshot(UUID.randomUUID(), false), 100_000);
    StorageModule.deploy(vertx, config, registry)
        .compose(module -> vertx.eventBus().request(Addresses.EVENTS_RAW, wire(chunks.get(0)))
            .compose(r -> vertx.eventBus().request(Addresses.EVENTS_RAW, wire(chunks.get(1))))
            .map(r -> {
              ctx.verify(() -> assertEquals(chunks.get(0).totalBytes(),
                  registry.get("skelly.screenshot.reassembly").gauge().value(), "reserved while incomplete"));
              return module;
            })
            .compose(m -> expired(vertx))
            .compose(v -> FrameReceiverTest.refusal(vertx.eventBus().request(Addresses.EVENTS_RAW, wire(chunks.get(2))),
                ErrorCode.INVALID_EVENT, ctx, "timed out"))
            .map(v -> {
              ctx.verify(() -> assertEquals(0.0, registry.get("skelly.screenshot.reassembly").gauge().value()));
              return module;
            }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Completes once the expiry counter shows the dropped screenshot (the receiver's timer ran). */
  private Future<Void> expired(Vertx vertx) {
    io.vertx.core.Promise<Void> seen = io.vertx.core.Promise.promise();
    vertx.setPeriodic(20, id -> {
      if (registry.get("skelly.screenshot.reassembly.expired").counter().count() == 1.0) {
        vertx.cancelTimer(id);
        seen.tryComplete();
      }
    });
    return seen.future();
  }
}
