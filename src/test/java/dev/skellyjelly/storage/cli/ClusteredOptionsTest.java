package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clustered process gets the event-loop count of cluster.event_loop_threads. */
class ClusteredOptionsTest {

  @TempDir
  Path dir;

  private StorageConfig withLoops(Integer loops) {
    JsonObject cluster = new JsonObject().put("enabled", true);
    if (loops != null) {
      cluster.put("event_loop_threads", loops);
    }
    return StorageConfig.fromJson(new JsonObject().put("storage", TestSupport.storageTable(dir))
        .put("http", new JsonObject().put("enabled", false)).put("cluster", cluster));
  }

  @Test
  void oneEventLoopByDefaultAndVertxsOwnCountForZero() {
    assertEquals(1, ModuleHost.clusteredOptions(withLoops(null)).getEventLoopPoolSize());
    assertEquals(3, ModuleHost.clusteredOptions(withLoops(3)).getEventLoopPoolSize());
    assertEquals(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE,
        ModuleHost.clusteredOptions(withLoops(0)).getEventLoopPoolSize());
  }
}
