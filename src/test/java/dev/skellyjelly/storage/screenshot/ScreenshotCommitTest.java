package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.ManualClock;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A screenshot request is answered once the bytes are held and analysed, before the group commit;
 * its metadata row comes with the next commit. A producer asking for
 * {@code skelly-reply-when: committed} is answered only after that commit.
 */
@ExtendWith(VertxExtension.class)
class ScreenshotCommitTest {

  private static final long T0 = 1_700_000_000_000_000L;
  private static final DeliveryOptions COMMITTED = new DeliveryOptions()
      .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);

  @TempDir
  Path dir;

  private final UUID session = UUID.randomUUID();

  /** 10 KiB memory threshold: the 80x80 screenshots below go to a file. */
  private StorageConfig config(long writeIntervalMs) {
    return TestSupport.config(TestSupport.storageTable(dir)
        .put("screenshot_memory_threshold_mb", 10.0 / 1024)
        .put("write_interval_ms", writeIntervalMs));
  }

  private RawEvent.Screenshot shot(long sequence) {
    byte[] data = new byte[4 * 80 * 80];
    new Random(sequence).nextBytes(data);
    return new RawEvent.Screenshot(T0 + sequence, session, sequence, ScreenshotId.random(), data,
        ImageFormat.RAW_BGRA, 80, 80, "Quarterly report", "office", new ScreenRegion(0, 0, 80, 80), false);
  }

  private long rows(StorageConfig config) throws Exception {
    return TestSupport.queryLong(config.databasePath(), "SELECT count(*) FROM screenshot_metadata");
  }

  @Test
  void theReplyComesBeforeTheCommitAndTheRowWithTheNextCommit(Vertx vertx, VertxTestContext ctx) {
    // A write interval of a minute: nothing commits by itself while the test runs.
    StorageConfig config = config(60_000);
    RawEvent.Screenshot s = shot(1);
    var bus = vertx.eventBus();
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry(), new ManualClock(T0))
        .compose(m -> bus.request(Addresses.EVENTS_RAW, s)
            .map(reply -> {
              ctx.verify(() -> {
                assertEquals(1L, reply.body(), "answered with the screenshot's sequence");
                assertEquals(0, rows(config), "answered before any commit");
              });
              return m;
            }))
        .compose(m -> bus.request(Addresses.WRITE_FLUSH, null).map(m)) // the next commit
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertEquals(1, rows(config), "the row came with the next commit");
          assertEquals(1, TestSupport.queryLong(config.databasePath(), "SELECT count(*) FROM"
              + " screenshot_metadata WHERE storage = 'disk' AND text_density IS NOT NULL"
              + " AND analysis_error IS NULL AND sequence = 1"));
          m.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void aCommitAcknowledgedRequestWaitsForTheCommit(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = config(200);
    RawEvent.Screenshot single = shot(1);
    RawEvent.Screenshot inFrame = shot(2);
    var bus = vertx.eventBus();
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry(), new ManualClock(T0))
        .compose(m -> bus.request(Addresses.EVENTS_RAW, single, COMMITTED)
            .map(reply -> {
              ctx.verify(() -> {
                assertEquals(1, rows(config), "the row is committed when the reply comes");
              });
              return m;
            }))
        // The same for a frame (what StorageClient.sendDurably sends).
        .compose(m -> bus.request(Addresses.EVENTS_RAW, new EventFrame(session, List.of(inFrame)), COMMITTED)
            .map(m))
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertEquals(2, rows(config), "a frame's screenshot too");
          m.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void theFetchAndTheQueryShowOneShapeWithTheStorageAsAWord(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = config(50);
    RawEvent.Screenshot s = shot(3);
    var bus = vertx.eventBus();
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry(), new ManualClock(T0))
        .compose(m -> bus.request(Addresses.EVENTS_RAW, s, COMMITTED)
            .compose(r -> bus.<JsonObject>request(Addresses.SCREENSHOTS_GET, s.screenshotId().toString()))
            .compose(fetched -> bus.<JsonObject>request(Addresses.QUERY, new JsonObject()
                    .put("type", "screenshots").put("from", T0).put("to", T0 + 1_000_000))
                .map(queried -> {
                  ctx.verify(() -> {
                    JsonObject fetch = fetched.body().copy();
                    fetch.remove("data");
                    fetch.remove("masking");
                    JsonArray rows = queried.body().getJsonArray("screenshots");
                    assertEquals(1, rows.size());
                    JsonObject row = rows.getJsonObject(0);
                    assertEquals("disk", row.getString("storage"));
                    assertEquals("disk", fetch.getString("storage"));
                    assertEquals(row.fieldNames(), fetch.fieldNames(), "one shape");
                    fetch.remove("format"); // a fetch hands out PNG; raw stays raw here anyway
                    row.remove("format");
                    // The fetch's masking measures text density on the words OCR read, and the row
                    // takes that value at the next commit, which may or may not have come yet.
                    assertTrue(row.getValue("textDensity") instanceof Number, row.encode());
                    fetch.remove("textDensity");
                    row.remove("textDensity");
                    assertEquals(row, fetch);
                  });
                  return m;
                })))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }
}
