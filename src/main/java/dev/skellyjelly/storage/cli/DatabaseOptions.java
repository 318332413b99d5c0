package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The database tools' {@code --config FILE} and {@code --db FILE} (which replaces the config's database). */
final class DatabaseOptions {

  @Mixin
  ConfigOption configOption;

  @Option(names = "--db", paramLabel = "FILE",
      description = "Database file, instead of the configuration's storage.database_path.")
  Path db;

  /** The configuration of {@code --config}, with {@code --db} replacing the database path. */
  StorageConfig load() {
    JsonObject json = ConfigFiles.loadJson(configOption.file, j -> {
      if (db != null) {
        ConfigFiles.table(j, "storage").put("database_path", db.toAbsolutePath().toString());
      }
    }, ConfigFiles.DATABASE_KEY);
    return StorageConfig.fromJson(json);
  }
}
