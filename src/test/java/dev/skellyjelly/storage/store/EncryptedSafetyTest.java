package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integrity checks, backup, restore and salvage open encrypted blocks with the key. */
class EncryptedSafetyTest {

  private static final long T0 = 1_794_268_800_000_000L;
  private static final int EVENTS = 2_000;

  @TempDir
  Path dir;
  private Path db;

  private StorageConfig.Encryption key(String name) {
    return new StorageConfig.Encryption(true, dir.resolve("keys").resolve(name), null, null);
  }

  @BeforeEach
  void encryptedDatabase() throws Exception {
    db = dir.resolve("data/events.db");
    var capture = new dev.skellyjelly.storage.demo.SyntheticCapture(UUID.randomUUID(), 2);
    List<RawEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      events.add(capture.next(T0 + i * 1_000L));
    }
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, key("storage.key"))) {
      store.stage(events);
      store.commit();
    }
  }

  private static long storedCount(Path file) throws Exception {
    return TestSupport.queryLong(file, "SELECT sum(event_count) FROM event_blocks");
  }

  @Test
  void anEncryptedDatabasePassesTheChecksAndIsBackedUpAndRestoredWithItsKey() throws Exception {
    assertNull(StartupCheck.damage(db, key("storage.key")), "encrypted blocks are not damage");
    Path backup = Backup.backup(db, dir.resolve("backups"), 2, key("storage.key"));
    Path other = dir.resolve("other/events.db");
    Restore.restore(backup, other, key("storage.key"));
    assertNull(Verification.problem(other, key("storage.key")));
    assertEquals(EVENTS, storedCount(other));
  }

  @Test
  void aWrongKeyIsRefusedNotMistakenForDamage() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    byte[] before = Files.readAllBytes(db);
    StorageConfig.Encryption wrong = key("wrong.key");
    // Make the wrong key exist, as a user pointing at another key file would.
    try (EventStore other = EventStore.open(dir.resolve("x/other.db"), "NORMAL", 5_000, wrong)) {
      other.commit();
    }
    assertThrows(ConfigException.class, () -> StartupCheck.damage(db, wrong));
    assertThrows(ConfigException.class, () -> Verification.problem(db, wrong));
    assertEquals(List.of(), dev.skellyjelly.storage.PrivateFilesAssert.filesNamed(db.getParent(), ".corrupt-"));
    assertEquals(before.length, Files.readAllBytes(db).length);
  }

  @Test
  void salvageOpensEncryptedBlocksAndSealsWhatItSaves() throws Exception {
    Salvage.Report report = Salvage.quarantineAndSalvage(db, "test", Instant.now(), key("storage.key"));
    assertEquals(EVENTS, report.eventsSaved());
    assertNull(Verification.problem(db, key("storage.key")));
    assertThrows(ConfigException.class, () -> Verification.problem(db, EncryptionAtRest.OFF),
        "the salvaged database is encrypted too");
  }
}
