package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.Restore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code restore FILE}: replaces the database by a verified backup, atomically. */
@Command(name = "restore",
    header = "replace the database by a backup (refused while the module runs)",
    description = {"Refused while a module holds the database's lock. Copies FILE to a private temp file beside the"
        + " database and verifies it there (integrity_check, schema version, every event block decodes),"
        + " checkpoints the current database, keeps it aside (<db>.before-restore-<time>) and puts the copy in"
        + " place with one atomic rename. A kill at any moment leaves a valid database at the path; an"
        + " interrupted restore is finished by the next start of the module or of restore.",
        "Last line JSON: restored, previous."})
final class RestoreCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup to restore.")
  Path backup;

  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    try {
      Restore.Result result = Restore.restore(backup, config.databasePath(), config.encryption());
      System.out.println(new JsonObject().put("restored", result.restored().toString())
          .put("previous", result.previous() == null ? null : result.previous().toString()).encode());
      return 0;
    } catch (IllegalStateException | IOException | SQLException e) {
      System.err.println("storage restore: " + e.getMessage());
      return 1;
    }
  }
}
