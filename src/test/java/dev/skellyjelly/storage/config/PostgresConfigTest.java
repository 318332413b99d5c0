package dev.skellyjelly.storage.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SKELLY_POSTGRES_* variables override the [postgres] table, as for the other tables. */
@ExtendWith(VertxExtension.class)
class PostgresConfigTest {

  @TempDir
  Path dir;

  @Test
  void environmentOverridesThePostgresTable(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = dir.resolve("c.toml");
    Files.writeString(file, "[postgres]\nenabled = false\nhost = \"db.example\"\n");
    ConfigLoader.load(vertx, file, Map.of("SKELLY_POSTGRES_ENABLED", "true", "SKELLY_POSTGRES_PORT", "6543",
            "SKELLY_POSTGRES_PASSWORD_FILE", "/run/secrets/pg", "SKELLY_STORAGE_DEVICE_NAME", "desk"))
        .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          assertTrue(c.postgres().enabled());
          assertEquals("db.example", c.postgres().host());
          assertEquals(6543, c.postgres().port());
          assertEquals(Path.of("/run/secrets/pg"), c.postgres().passwordFile());
          assertEquals("desk", c.device().name());
          ctx.completeNow();
        })));
  }
}
