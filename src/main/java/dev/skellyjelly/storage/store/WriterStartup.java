package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the writer does before its first commit: take the database's lock, finish what killed
 * tools left, check the file (salvaging a damaged one) and open it for writing, sealing plaintext
 * first when encryption was turned on.
 */
final class WriterStartup {

  /** The opened database, its lock, and the integrity report of the start-up check. */
  record Opened(DatabaseLock lock, EventStore store, JsonObject integrity) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(WriterStartup.class);

  private WriterStartup() {
  }

  static Opened open(StorageConfig config) throws Exception {
    DatabaseLock lock;
    try {
      lock = DatabaseLock.tryAcquire(config.databasePath());
    } catch (IOException e) {
      throw new IOException("cannot open the database " + config.databasePath(), e);
    }
    if (lock == null) {
      throw new IllegalStateException("another storage module is running against "
          + config.databasePath() + " (its .lock is held); stop it or choose another database_path");
    }
    try {
      finishInterruptedWork(config);
      JsonObject integrity = checkIntegrity(config);
      EventStore store = EventStore.open(config.databasePath(), config.synchronous(), config.busyTimeoutMs(),
          config.encryption());
      EncryptionMigration.run(store);
      return new Opened(lock, store, integrity);
    } catch (Exception e) {
      lock.close();
      throw e;
    }
  }

  /**
   * The quick check at start; a damaged database is moved aside and what is readable salvaged
   * into a fresh one, said loudly here and reported on {@code /health} and by {@code stats}.
   */
  private static JsonObject checkIntegrity(StorageConfig config) throws IOException, SQLException {
    Path db = config.databasePath();
    String damage = StartupCheck.damage(db, config.encryption());
    if (damage == null) {
      return new JsonObject().put("status", "ok").put("detail", "quick check passed at start");
    }
    LOG.error("DATABASE DAMAGED: " + db + ": " + damage + "; moving it aside and salvaging what is"
        + " readable into a fresh database");
    Salvage.Report report = Salvage.quarantineAndSalvage(db, damage, java.time.Instant.now(),
        config.encryption());
    LOG.error(report.summary());
    return report.toJson().put("status", "salvaged").put("detail", report.summary());
  }

  /** A restore killed midway is finished first; temp files of killed tools are removed. */
  private static void finishInterruptedWork(StorageConfig config) throws IOException {
    Path db = config.databasePath();
    Restore.recover(db).ifPresent(LOG::warn);
    List<Path> stale = new ArrayList<>(Restore.removeStaleTemps(db));
    stale.addAll(Backup.removeStaleTemps(config.backupDir()));
    if (!stale.isEmpty()) {
      LOG.warn("removed temp files left by killed tools: " + stale);
    }
  }
}
