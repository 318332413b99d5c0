package dev.skellyjelly.storage.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Loads {@link StorageConfig} through Vert.x Config: the TOML file, then system properties
 * ({@code -Dstorage.batch_window_seconds=10}), then environment variables
 * ({@code SKELLY_STORAGE_BATCH_WINDOW_SECONDS=10}); later sources win.
 */
public final class ConfigLoader {

  /** Environment variables with this prefix override keys: SKELLY_&lt;TABLE&gt;_&lt;KEY&gt;. */
  public static final String ENV_PREFIX = "SKELLY_";
  private static final String[] TABLES = {"storage", "http", "cluster", "encryption", "postgres",
      "privacy"};

  private ConfigLoader() {
  }

  public static Future<StorageConfig> load(Vertx vertx, Path file) {
    return load(vertx, file, System.getenv());
  }

  static Future<StorageConfig> load(Vertx vertx, Path file, Map<String, String> env) {
    return loadJson(vertx, file, env).map(StorageConfig::fromJson);
  }

  /**
   * The merged JSON form, before validation, for tools that override a few keys (the demo points
   * {@code database_path} at its own file) and then call {@link StorageConfig#fromJson}.
   */
  public static Future<JsonObject> loadJson(Vertx vertx, Path file) {
    return loadJson(vertx, file, System.getenv());
  }

  static Future<JsonObject> loadJson(Vertx vertx, Path file, Map<String, String> env) {
    if (!Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException("config file " + file.toAbsolutePath()
          + " does not exist; pass --config FILE or copy conf/storage.toml there"));
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setScanPeriod(-1)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("toml")
            .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString())))
        .addStore(new ConfigStoreOptions().setType("sys")
            .setConfig(new JsonObject().put("hierarchical", true).put("cache", false)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(new ConfigException("cannot read " + file + ": "
            + rootMessage(err), err)))
        .map(json -> withEnvironment(json, env));
  }

  /** Applies SKELLY_STORAGE_KEY style variables over the tables they name. */
  static JsonObject withEnvironment(JsonObject json, Map<String, String> env) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      for (String table : TABLES) {
        String prefix = ENV_PREFIX + table.toUpperCase(Locale.ROOT) + "_";
        if (name.startsWith(prefix) && name.length() > prefix.length()) {
          JsonObject section = json.getJsonObject(table);
          if (section == null) {
            section = new JsonObject();
            json.put(table, section);
          }
          section.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT), e.getValue());
        }
      }
    }
    return json;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String message = String.valueOf(t.getMessage());
    return c == t || message.contains(String.valueOf(c.getMessage()).lines().findFirst().orElse(""))
        ? message.lines().findFirst().orElse(message)
        : message + " (" + c.getMessage() + ")";
  }
}
