package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.ConfigLoader;
import io.vertx.core.Vertx;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;

/** Reads the launcher's TOML configuration outside of any module Vert.x. */
final class ConfigFiles {
  private ConfigFiles() {
  }

  /**
   * The merged JSON of {@code file}, system properties and environment, not yet validated. A
   * file that leaves the keys deciding where data goes and where the module listens unset gets a
   * warning on stderr naming the defaults in use: an empty file is never silently "all defaults".
   */
  static JsonObject loadJson(Path file) {
    return loadJson(file, json -> { });
  }

  /** As above, with the command's own options ({@code --db}, …) applied before the warning. */
  static JsonObject loadJson(Path file, java.util.function.Consumer<JsonObject> overrides) {
    Vertx loader = Vertx.vertx();
    JsonObject json;
    try {
      json = ConfigLoader.loadJson(loader, file).await();
    } finally {
      loader.close().await();
    }
    overrides.accept(json);
    String defaults = defaultsInUse(json);
    if (defaults != null) {
      System.err.println("storage: warning: " + file + " does not set " + defaults
          + "; set them in [storage] / [http] (see conf/storage.toml) if that is not what you want");
    }
    return json;
  }

  /** The unset keys that matter most, with the defaults they take, or {@code null}. */
  static String defaultsInUse(JsonObject json) {
    StorageConfig defaults = StorageConfig.fromJson(new JsonObject());
    JsonObject storage = json.getJsonObject("storage", new JsonObject());
    JsonObject http = json.getJsonObject("http", new JsonObject());
    List<String> unset = new ArrayList<>();
    if (!storage.containsKey("database_path")) {
      unset.add("storage.database_path (using " + defaults.databasePath() + ")");
    }
    if (!storage.containsKey("screenshot_dir")) {
      unset.add("storage.screenshot_dir (using " + defaults.screenshotDir() + ")");
    }
    if (!storage.containsKey("backup_dir")) {
      unset.add("storage.backup_dir (using " + defaults.backupDir() + ")");
    }
    if (!http.containsKey("port") && !Boolean.FALSE.equals(http.getValue("enabled"))) {
      unset.add("http.port (using " + defaults.http().port() + ")");
    }
    if (unset.isEmpty()) {
      return null;
    }
    boolean empty = storage.isEmpty() && http.isEmpty();
    return (empty ? "anything — every key takes its default, among them " : "") + String.join(", ", unset);
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
