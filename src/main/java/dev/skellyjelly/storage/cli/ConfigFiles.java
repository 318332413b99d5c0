package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** Reads the launcher's TOML configuration outside of any module Vert.x. */
final class ConfigFiles {
  private ConfigFiles() {
  }

  /** The merged JSON of {@code file}, system properties and environment, not yet validated. */
  static JsonObject loadJson(Path file) {
    Vertx loader = Vertx.vertx();
    try {
      return ConfigLoader.loadJson(loader, file).await();
    } finally {
      loader.close().await();
    }
  }

  /** The table {@code name} of {@code json}, created if absent. */
  static JsonObject table(JsonObject json, String name) {
    JsonObject t = json.getJsonObject(name);
    if (t == null) {
      t = new JsonObject();
      json.put(name, t);
    }
    return t;
  }
}
