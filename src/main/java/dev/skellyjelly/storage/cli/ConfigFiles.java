package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.ConfigLoader;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the launcher's TOML configuration outside of any module Vert.x. */
final class ConfigFiles {
  private ConfigFiles() {
  }

  /** The keys that decide where the module keeps data and where it listens. */
  static final List<String> MODULE_KEYS = List.of("storage.database_path", "storage.screenshot_dir",
      "storage.backup_dir", "http.port");
  /** The one key the database tools rely on. */
  static final List<String> DATABASE_KEY = List.of("storage.database_path");

  /** The merged JSON of {@code file}, system properties and environment, not yet validated. */
  static JsonObject loadJson(Path file) {
    return loadJson(file, json -> { }, List.of());
  }

  /**
   * As above, with the command's own options ({@code --db}, …) applied; then, if any of
   * {@code keysUsed} is still unset, a warning on stderr names the defaults in use: an empty or
   * partial file is never silently "all defaults".
   */
  static JsonObject loadJson(Path file, java.util.function.Consumer<JsonObject> overrides,
      List<String> keysUsed) {
    Vertx loader = Vertx.vertx();
    JsonObject json;
    try {
      json = ConfigLoader.loadJson(loader, file).await();
    } finally {
      loader.close().await();
    }
    overrides.accept(json);
    String defaults = defaultsInUse(json, keysUsed);
    if (defaults != null) {
      System.err.println("storage: warning: " + file + " does not set " + defaults
          + "; set them in [storage] / [http] (see conf/storage.toml) if that is not what you want");
    }
    return json;
  }

  /** Which of {@code keys} ("table.key") are unset, with the defaults they take, or {@code null}. */
  static String defaultsInUse(JsonObject json, List<String> keys) {
    StorageConfig defaults = StorageConfig.fromJson(new JsonObject());
    JsonObject storage = json.getJsonObject("storage", new JsonObject());
    JsonObject http = json.getJsonObject("http", new JsonObject());
    List<String> unset = new ArrayList<>();
    for (String key : keys) {
      String table = key.substring(0, key.indexOf('.'));
      String name = key.substring(key.indexOf('.') + 1);
      JsonObject values = table.equals("http") ? http : storage;
      boolean irrelevant = table.equals("http") && Boolean.FALSE.equals(http.getValue("enabled"));
      if (!values.containsKey(name) && !irrelevant) {
        unset.add(key + " (using " + defaultOf(defaults, key) + ")");
      }
    }
    if (unset.isEmpty()) {
      return null;
    }
    boolean empty = storage.isEmpty() && http.isEmpty();
    return (empty ? "anything — every key takes its default, among them " : "") + String.join(", ", unset);
  }

  private static Object defaultOf(StorageConfig defaults, String key) {
    return switch (key) {
      case "storage.database_path" -> defaults.databasePath();
      case "storage.screenshot_dir" -> defaults.screenshotDir();
      case "storage.backup_dir" -> defaults.backupDir();
      case "http.port" -> defaults.http().port();
      default -> throw new IllegalArgumentException("no default known for " + key);
    };
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
