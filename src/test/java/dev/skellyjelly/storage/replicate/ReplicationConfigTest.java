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

  @Test
  void theBreakerOpensAfterThreeFailuresAndBacksOffWithJitterUpToTheCeiling() {
    List<Double> randoms = new ArrayList<>(List.of(0.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0));
    CircuitBreaker b = new CircuitBreaker(500, 4_000, () -> randoms.remove(0));
    assertEquals(250, b.onFailure(0), "jitter 50 % of 500 ms");
    assertEquals(CircuitBreaker.State.CLOSED, b.state());
    assertTrue(b.allows(0), "closed: attempts go");
    assertEquals(1000, b.onFailure(0), "doubling: 100 % of 1 s");
    assertEquals(1500, b.onFailure(0), "75 % of 2 s");
    assertEquals(CircuitBreaker.State.OPEN, b.state());
    assertFalse(b.allows(1499), "open: wait");
    assertTrue(b.allows(1500), "then one half-open probe");
    assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
    assertEquals(4000, b.onFailure(1500), "the probe failed: open again, 4 s (the ceiling)");
    assertEquals(4000, b.onFailure(5500), "never past the ceiling");
    assertFalse(b.allows(9499));
    b.onSuccess();
    assertEquals(CircuitBreaker.State.CLOSED, b.state());
    assertTrue(b.allows(9499));
    assertEquals(0, b.failuresInARow());
  }
}
