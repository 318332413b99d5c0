package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import java.nio.file.Path;

/** A child process for the kill -9 test: turns encryption on for a plaintext database (slowly, visibly). */
public final class EncryptUntilKilled {
  private EncryptUntilKilled() {
  }

  public static void main(String[] args) throws Exception {
    StorageConfig.Encryption key = new StorageConfig.Encryption(true, Path.of(args[1]), null, null);
    System.out.println("opening");
    System.out.flush();
    try (EventStore store = EventStore.open(Path.of(args[0]), "NORMAL", 5_000, key)) {
      EncryptionMigration.run(store);
    }
    System.out.println("done");
  }
}
