package dev.skellyjelly.storage.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.Codecs;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's side of chunked screenshots: in order, a window of unanswered chunks, the first
 * failure ends the transfer; and on a local (not clustered) bus a screenshot stays one object.
 */
@ExtendWith(VertxExtension.class)
class ScreenshotChunkSenderTest {

  @TempDir
  Path dir;

  private static final DeliveryOptions COMMITTED = new DeliveryOptions().setSendTimeout(10_000)
      .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);

  private static RawEvent.Screenshot screenshot() {
    SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 5);
    return capture.screenshot(1_763_950_000_000_000L, true);
  }

  @Test
  void aScreenshotInChunksIsStoredWholeAndAnsweredWithItsSequence(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    RawEvent.Screenshot shot = screenshot();
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(module -> new ScreenshotChunkSender(vertx, 256 * 1024).send(shot, COMMITTED)
            .compose(reply -> {
              ctx.verify(() -> {
                assertEquals(shot.sequence(), reply.body());
                assertEquals(1, TestSupport.queryLong(config.databasePath(),
                    "SELECT count(*) FROM screenshot_metadata WHERE size_bytes = " + shot.data().length));
              });
              return vertx.eventBus().<JsonObject>request(Addresses.SCREENSHOTS_GET, shot.screenshotId().toString());
            })
            .map(fetched -> {
              ctx.verify(() -> assertArrayEquals(shot.data(), fetched.body().getBinary("data")));
              return module;
            }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theFirstRefusedChunkFailsTheScreenshotAndNoFurtherChunkIsSent(Vertx vertx, VertxTestContext ctx) {
    Codecs.registerAll(vertx.eventBus());
    List<Integer> received = new ArrayList<>();
    vertx.eventBus().<ScreenshotChunk>consumer(Addresses.EVENTS_RAW, m -> {
      int index = m.body().index();
      received.add(index);
      if (index == 3) {
        m.fail(ErrorCode.INVALID_EVENT.failureCode(), "INVALID_EVENT: chunk 3 is refused here");
      } else {
        m.reply(index);
      }
    }).completion()
        .compose(v -> new ScreenshotChunkSender(vertx, 256 * 1024).send(screenshot(), COMMITTED))
        .onComplete(ctx.failing(err -> {
          ctx.verify(() -> assertEquals(ErrorCode.INVALID_EVENT.failureCode(),
              ((ReplyException) err).failureCode()));
          // A negative check: what is still in flight settles, and still nothing more was sent.
          vertx.setTimer(200, t -> ctx.verify(() -> {
            // Chunks 0..3 went at once (the window); each of the three answers before the refusal
            // let one more go; then nothing: of 21 chunks (metadata + 20 of 256 KiB), 7 were sent.
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), received);
            ctx.completeNow();
          }));
        }));
  }

  @Test
  void onALocalBusAScreenshotTravelsAsOneObject(Vertx vertx, VertxTestContext ctx) {
    StorageClient.registerCodecs(vertx);
    RawEvent.Screenshot shot = screenshot();
    vertx.eventBus().<Object>consumer(Addresses.EVENTS_RAW, m -> {
      ctx.verify(() -> {
        EventFrame frame = (EventFrame) m.body();
        assertTrue(frame.events().get(0) == shot, "passed by reference, neither chunked nor encoded");
      });
      m.reply(shot.sequence());
    }).completion()
        .compose(v -> new StorageClient(vertx).sendDurably(shot))
        .onComplete(ctx.succeeding(seq -> ctx.verify(() -> {
          assertEquals(shot.sequence(), seq);
          ctx.completeNow();
        })));
  }
}
