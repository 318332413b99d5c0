package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.ConfigLoader;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The [postgres] table and device keys, and the breaker's backoff. */
@ExtendWith(VertxExtension.class)
class ReplicationConfigTest {

  @TempDir
  Path dir;

  @Test
  void theShippedConfigHasReplicationOffWithItsDefaults(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, Path.of("conf/storage.toml"))
        .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          assertFalse(c.postgres().enabled());
          assertEquals(5432, c.postgres().port());
          assertEquals("prefer", c.postgres().sslMode());
          assertEquals(200_000, c.postgres().batchEvents());
          assertEquals(Duration.ofSeconds(10), c.postgres().stopDeadline());
          assertEquals("", c.device().id());
          ctx.completeNow();
        })));
  }

  @Test
  void aPasswordFileWinsOverThePasswordAndThePasswordNeverPrints() throws Exception {
    Path passwordFile = dir.resolve("pw");
    Files.writeString(passwordFile, "from-the-file\nignored\n");
    StorageConfig.Postgres pg = StorageConfig.fromJson(new JsonObject().put("postgres", new JsonObject()
        .put("password", "s3cret").put("password_file", passwordFile.toString()))).postgres();
    assertEquals("from-the-file", PgClients.password(pg));
    assertFalse(pg.toString().contains("s3cret"), pg.toString());
    StorageConfig.Postgres missing = StorageConfig.fromJson(new JsonObject().put("postgres", new JsonObject()
        .put("password_file", dir.resolve("absent").toString()))).postgres();
    ConfigException e = assertThrows(ConfigException.class, () -> PgClients.password(missing));
    assertTrue(e.getMessage().startsWith("postgres.password_file = "), e.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndWhatIsAllowed() {
    ConfigException e = assertThrows(ConfigException.class, () -> StorageConfig.fromJson(new JsonObject()
        .put("storage", new JsonObject().put("device_id", "laptop-1"))
        .put("postgres", new JsonObject().put("port", 0).put("ssl_mode", "sometimes").put("batch_evnts", 5))));
    String m = e.getMessage();
    assertTrue(m.contains("postgres.port = 0 is not allowed: must be a whole number from 1 to 65535"), m);
    assertTrue(m.contains("postgres.ssl_mode = \"sometimes\" is not allowed: must be one of disable, allow, prefer,"
        + " require, verify-ca, verify-full"), m);
    assertTrue(m.contains("postgres.batch_evnts is not a known key"), m);
    assertTrue(m.contains("storage.device_id = \"laptop-1\" is not allowed: must be a UUID"), m);
  }
}
