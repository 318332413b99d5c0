package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.KeyEncryptionKey;
import dev.skellyjelly.storage.store.DatabaseLock;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.KeyRotation;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rotate-key}: puts the database's data keys under a new key-encryption key (a new key
 * file; nothing else rewritten), or with {@code --reencrypt} moves all data to a new data key.
 * Refused while a module holds the database.
 */
@Command(name = "rotate-key",
    header = "rewrap the data keys under a new key file, or re-encrypt everything under a new data key",
    description = {"The database must be encrypted and the configured [encryption] key must open it; the module must"
        + " be stopped (its lock is checked). Last line JSON: what was done."})
final class RotateKeyCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Rotation rotation;

  /** Exactly one of the two rotations. */
  static final class Rotation {
    @Option(names = "--new-key-file", paramLabel = "FILE", required = true,
        description = "Wrap the data keys under the key in FILE (created 600 when missing), in one transaction;"
            + " then point [encryption] key_file at FILE.")
    Path newKeyFile;

    @Option(names = "--reencrypt", required = true,
        description = "Make a new data key and reseal every block and text under it, a batch per transaction"
            + " (SIGINT/SIGTERM stops after the current batch; run again to resume), then forget the old data keys"
            + " and rebuild the file.")
    boolean reencrypt;
  }

  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    Path newKeyFile = rotation.newKeyFile;
    if (!config.encryption().enabled()) {
      throw new ConfigException("[encryption] enabled is false in the configuration: rotate-key needs the"
          + " current key of an encrypted database");
    }
    try (DatabaseLock lock = DatabaseLock.tryAcquire(config.databasePath())) {
      if (lock == null) {
        throw new ConfigException("a storage module is running against " + config.databasePath()
            + "; stop it before rotating keys");
      }
      try (EventStore store = EventStore.open(config.databasePath(), config.synchronous(), config.busyTimeoutMs(),
          config.encryption())) {
        JsonObject result = new JsonObject().put("database", config.databasePath().toString());
        if (newKeyFile != null) {
          Path file = newKeyFile.toAbsolutePath();
          KeyRotation.rewrap(store, KeyEncryptionKey.fromFile(file, System.err::println), null);
          result.put("rewrappedUnder", file.toString()).put("next", "set [encryption] key_file = \"" + file + "\"");
        } else {
          long[] n;
          try {
            n = KeyRotation.reencrypt(store, StopSignals::check);
          } catch (StopSignals.Stopped stopped) {
            // Every batch before the signal is committed: the next run goes on from there.
            System.out.println(result.put("stopped", stopped.signal).put("completed", false)
                .put("next", "run rotate-key --reencrypt again to finish").encode());
            return 0;
          }
          result.put("reencryptedBlocks", n[0]).put("reencryptedTexts", n[1])
              .put("dataKey", store.crypto().currentKeyId());
        }
        System.out.println(result.encode());
        return 0;
      }
    }
  }
}
