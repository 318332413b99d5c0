package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.Backup;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code backup}: a verified online backup of the database. */
@Command(name = "backup",
    header = "write a verified online backup of the database (safe while the module runs)",
    description = {"VACUUM INTO a new file in storage.backup_dir (600), kept only if it passes PRAGMA integrity_check"
        + " and every event block decodes; keeps storage.backup_keep backups. Temp files of a killed backup are"
        + " removed first.", "Last line JSON: backup, bytes, integrity."})
final class BackupCommand implements Callable<Integer> {

  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    Path backup = Backup.backup(config.databasePath(), config.backupDir(), config.backupKeep(), config.encryption());
    System.out.println(new JsonObject().put("backup", backup.toString())
        .put("bytes", Files.size(backup)).put("integrity", "ok").encode());
    return 0;
  }
}
