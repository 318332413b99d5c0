package dev.skellyjelly.storage.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class TomlConfigTest {

  @TempDir
  Path dir;

  private Path write(String name, String toml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, toml);
    return file;
  }

  @Test
  void theShippedConfigLoadsWithTheSpecDefaults(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, Path.of("conf/storage.toml"), Map.of())
        .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          assertEquals(Duration.ofSeconds(30), c.batchWindow());
          assertEquals(10_000, c.maxEventsPerBatch());
          assertEquals(5L << 20, c.screenshotMemoryThresholdBytes());
          assertEquals(50, c.screenshotMemoryCacheSize());
          assertEquals(7, c.rawEventsRetentionDays());
          assertEquals(Duration.ofHours(24), c.compactionInterval());
          assertEquals("NORMAL", c.synchronous());
          assertTrue(c.databasePath().toString().endsWith(".skelly-jelly/events.db"));
          assertFalse(c.cluster().enabled());
          assertEquals(1, c.cluster().eventLoopThreads());
          ctx.completeNow();
        })));
  }

  @Test
  void theProcessorIsFoundByFormatNameThroughSpi(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = write("basic.toml", "[storage]\nbatch_window_seconds = 12\nname = \"x\"\n");
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .addStore(new ConfigStoreOptions().setType("file").setFormat("toml")
            .setConfig(new JsonObject().put("path", file.toString()))));
    retriever.getConfig().onComplete(ctx.succeeding(json -> ctx.verify(() -> {
      assertEquals(12, json.getJsonObject("storage").getInteger("batch_window_seconds"));
      ctx.completeNow();
    })));
  }

  @Test
  void anEmptyFileIsAnEmptyObject(Vertx vertx, VertxTestContext ctx) {
    new TomlConfigProcessor().process(vertx, new JsonObject(), io.vertx.core.buffer.Buffer.buffer())
        .onComplete(ctx.succeeding(json -> ctx.verify(() -> {
          assertTrue(json.isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void brokenTomlIsAFailedFutureWithADecodeException(Vertx vertx, VertxTestContext ctx) {
    new TomlConfigProcessor().process(vertx, new JsonObject(),
            io.vertx.core.buffer.Buffer.buffer("[storage\nbatch = "))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertInstanceOf(DecodeException.class, err);
          assertTrue(err.getMessage().contains("line"), err.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndWhatIsAllowed(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path file = write("bad.toml", "[storage]\nbatch_window_seconds = -5\nsynchronous = \"SOMETIMES\"\n"
        + "max_events_per_batch = \"lots\"\nbatch_windw_seconds = 3\n");
    ConfigLoader.load(vertx, file, Map.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertInstanceOf(ConfigException.class, err);
      String m = err.getMessage();
      assertTrue(m.contains("storage.batch_window_seconds = -5 is not allowed: must be a number above 0"), m);
      assertTrue(m.contains("storage.synchronous = \"SOMETIMES\" is not allowed: must be one of NORMAL, FULL"), m);
      assertTrue(m.contains("storage.max_events_per_batch = \"lots\""), m);
      assertTrue(m.contains("storage.batch_windw_seconds is not a known key"), m);
      ctx.completeNow();
    })));
  }

  @Test
  void environmentAndSystemPropertiesOverrideTheFile(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path file = write("o.toml", "[storage]\nbatch_window_seconds = 30\nmax_events_per_batch = 100\n");
    System.setProperty("storage.max_events_per_batch", "250");
    ConfigLoader.load(vertx, file, Map.of("SKELLY_STORAGE_BATCH_WINDOW_SECONDS", "0.5",
            "SKELLY_HTTP_PORT", "9999"))
        .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          System.clearProperty("storage.max_events_per_batch");
          assertEquals(Duration.ofMillis(500), c.batchWindow());
          assertEquals(250, c.maxEventsPerBatch());
          assertEquals(9999, c.http().port());
          ctx.completeNow();
        })));
  }

  @Test
  void aMissingFileSaysWhatToDo(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, dir.resolve("nope.toml"), Map.of())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertTrue(err.getMessage().contains("does not exist; pass --config FILE"), err.getMessage());
          ctx.completeNow();
        })));
  }
}
