package dev.skellyjelly.storage.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.ManualClock;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticDesktop;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What leaves the module through storage.screenshots.get: masked (with real Tesseract), or filled
 * whole — by an app rule, without an OCR engine, past the deadline — and never the raw pixels.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ScreenshotMaskingTest {

  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final UUID session = UUID.randomUUID();

  private StorageConfig config(JsonObject privacy) {
    return StorageConfig.fromJson(new JsonObject().put("storage", TestSupport.storageTable(dir))
        .put("http", new JsonObject().put("enabled", false)).put("privacy", privacy));
  }

  private static byte[] png(BufferedImage image) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private Future<JsonObject> storeAndFetch(Vertx vertx, RawEvent.Screenshot s) {
    return vertx.eventBus().request(Addresses.EVENTS_RAW, s).compose(v -> fetch(vertx, s.screenshotId()));
  }

  private static Future<JsonObject> fetch(Vertx vertx, ScreenshotId id) {
    return vertx.eventBus().<JsonObject>request(Addresses.SCREENSHOTS_GET, id.toString()).map(m -> m.body());
  }

  private RawEvent.Screenshot shot(byte[] data, int w, int h, String app, String title) {
    return new RawEvent.Screenshot(5_000_000L, session, 0, ScreenshotId.random(), data,
        ImageFormat.PNG, w, h, title, app, new ScreenRegion(0, 0, w, h), true);
  }

  private static BufferedImage image(JsonObject reply) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(reply.getBinary("data")));
  }

  private static boolean allBlack(BufferedImage image) {
    int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    return Arrays.stream(rgb).allMatch(p -> (p & 0xFFFFFF) == 0);
  }

  @Test
  void plantedPiiIsFilledTheRestStaysAndTheMetadataRowSaysWhat(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    SyntheticDesktop.Screen screen = new SyntheticDesktop(5).render(1, 960, 600, 4);
    byte[] original = png(screen.image());
    // privacy_masked = true from the producer does not skip the scan.
    RawEvent.Screenshot s = shot(original, 960, 600, screen.appName(), screen.windowTitle());
    StorageConfig config = config(new JsonObject().put("mask_deadline_ms", 30_000));
    StorageModule.deploy(vertx, config, registry, new ManualClock(5_000_000L))
        .compose(m -> storeAndFetch(vertx, s).compose(first -> fetch(vertx, s.screenshotId())
            .compose(second -> vertx.eventBus().request(Addresses.WRITE_FLUSH, null)
                .map(v -> new JsonObject[] {first, second})))
            .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
              JsonObject first = replies[0];
              SyntheticDesktop.Score score = SyntheticDesktop.score(image(first), screen);
              assertEquals(score.pii(), score.piiMasked(), "left visible: " + score.missed());
              assertTrue(score.plainMasked() <= score.plain() / 10, "over-masked: " + score.plainMasked());
              assertFalse(Arrays.equals(original, first.getBinary("data")));
              JsonObject masking = first.getJsonObject("masking");
              assertFalse(masking.getBoolean("whole"));
              assertTrue(masking.getInteger("regions") >= score.pii(), masking.encode());
              assertArrayEqualsBytes(first, replies[1]);
              long rows = TestSupport.queryLong(config.databasePath(), "SELECT count(*) FROM"
                  + " screenshot_metadata WHERE masked_regions = " + masking.getInteger("regions")
                  + " AND masked_kinds = '" + String.join(",", masking.getJsonArray("kinds").getList()) + "'");
              assertEquals(1, rows, "masked_regions and masked_kinds recorded");
              double density = masking.getDouble("textDensity");
              assertTrue(density > 0.01 && density < 0.9, "text density of the recognised words: " + density);
              assertEquals(1, TestSupport.queryLong(config.databasePath(), "SELECT count(*) FROM"
                  + " screenshot_metadata WHERE abs(text_density - " + density + ") < 1e-9"),
                  "the OCR text density replaces the pixel estimate in the metadata row");
              assertEquals(1, registry.get("skelly.pii.mask").timer().count(), "masked once, then cached");
              m.undeploy().onComplete(ctx.succeedingThenComplete());
            }))));
  }

  private static void assertArrayEqualsBytes(JsonObject a, JsonObject b) {
    assertTrue(Arrays.equals(a.getBinary("data"), b.getBinary("data")), "the second fetch is the cached result");
  }

  @Test
  void withoutAnOcrEngineEveryFetchIsFullyMasked(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-tessdata"));
    SyntheticDesktop.Screen screen = new SyntheticDesktop(6).render(0, 400, 300, 2);
    RawEvent.Screenshot s = shot(png(screen.image()), 400, 300, "Thunderbird", "Inbox");
    StorageModule.deploy(vertx, config(new JsonObject().put("ocr_data_dir", empty.toString())),
            registry, new ManualClock(5_000_000L))
        .compose(m -> storeAndFetch(vertx, s).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          BufferedImage img = image(reply);
          assertEquals(400, img.getWidth());
          assertTrue(allBlack(img), "every pixel filled");
          JsonObject masking = reply.getJsonObject("masking");
          assertTrue(masking.getBoolean("whole"));
          assertEquals(new JsonArray().add("unchecked"), masking.getJsonArray("kinds"));
          assertTrue(masking.getString("failure").contains("no OCR engine"), masking.encode());
          assertEquals(1.0, registry.get("skelly.pii.fully.masked.fetches").counter().count());
          m.undeploy().onComplete(ctx.succeedingThenComplete());
        }))));
  }

  @Test
  void aMatchingAppIsFilledWholeWithoutOcr(Vertx vertx, VertxTestContext ctx) throws Exception {
    SyntheticDesktop.Screen screen = new SyntheticDesktop(7).render(2, 400, 300, 2);
    RawEvent.Screenshot s = shot(png(screen.image()), 400, 300, "KeePassXC", "Passwords.kdbx");
    StorageModule.deploy(vertx, config(new JsonObject().put("mask_apps", new JsonArray().add("keepass"))),
            registry, new ManualClock(5_000_000L))
        .compose(m -> storeAndFetch(vertx, s).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertTrue(allBlack(image(reply)));
          assertEquals(new JsonArray().add("app"), reply.getJsonObject("masking").getJsonArray("kinds"));
          m.undeploy().onComplete(ctx.succeedingThenComplete());
        }))));
  }

  @Test
  void pastTheDeadlineTheFetchIsFullyMaskedAndALaterFetchGetsTheMaskedImage(Vertx vertx,
      VertxTestContext ctx) throws Exception {
    SyntheticDesktop.Screen screen = new SyntheticDesktop(8).render(3, 1280, 720, 3);
    RawEvent.Screenshot s = shot(png(screen.image()), 1280, 720, "LibreOffice Writer", "Report");
    StorageModule.deploy(vertx, config(new JsonObject().put("mask_deadline_ms", 1)), registry,
            new ManualClock(5_000_000L))
        .compose(m -> storeAndFetch(vertx, s).compose(first -> untilMasked(vertx, s.screenshotId(), 200)
                .map(later -> new JsonObject[] {first, later}))
            .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
              JsonObject first = replies[0].getJsonObject("masking");
              assertTrue(first.getBoolean("whole"));
              assertTrue(first.getString("failure").contains("mask_deadline_ms"), first.encode());
              assertTrue(allBlack(image(replies[0])));
              SyntheticDesktop.Score score = SyntheticDesktop.score(image(replies[1]), screen);
              assertEquals(score.pii(), score.piiMasked(), "left visible: " + score.missed());
              assertNotEquals(0, score.pii());
              m.undeploy().onComplete(ctx.succeedingThenComplete());
            }))));
  }

  @Test
  void stoppingWhileMaskingRunsWaitsForItAndFreesTheEngine(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    SyntheticDesktop.Screen screen = new SyntheticDesktop(9).render(2, 1280, 720, 3);
    RawEvent.Screenshot s = shot(png(screen.image()), 1280, 720, "gnome-terminal", "shell");
    StorageModule.deploy(vertx, config(new JsonObject().put("mask_deadline_ms", 1)), registry,
            new ManualClock(5_000_000L))
        .compose(m -> storeAndFetch(vertx, s).compose(reply -> {
          ctx.verify(() -> assertTrue(reply.getJsonObject("masking").getBoolean("whole")));
          return m.undeploy(); // masking is still running on its worker
        }))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, registry.get("skelly.pii.mask").timer().count(), "it finished first");
          ctx.completeNow();
        })));
  }

  /** Fetches every 50 ms until masking has finished (the reply is no longer filled whole). */
  private static Future<JsonObject> untilMasked(Vertx vertx, ScreenshotId id, int triesLeft) {
    return fetch(vertx, id).compose(reply -> {
      if (!reply.getJsonObject("masking").getBoolean("whole") || triesLeft == 0) {
        return Future.succeededFuture(reply);
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(50, t -> later.complete());
      return later.future().compose(v -> untilMasked(vertx, id, triesLeft - 1));
    });
  }
}
