package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.event.RawEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Another device's key material, as replicated, opens its blocks under the shared key-encryption key only. */
class DeviceKeysTest {

  private static final UUID SESSION = new UUID(3, 4);
  private static final long T9 = 1_794_301_200_000_000L;

  @TempDir
  Path dir;

  /** The variables named here exist in every JVM: the environment cannot be set from Java. */
  private StorageConfig.Encryption passphrase(String variable) {
    return new StorageConfig.Encryption(true, dir.resolve("unused.key"), null, variable);
  }

  @Test
  void aPassphraseDevicesKeysOpenItsBlocksElsewhereWithItsSaltAndOnlyWithTheSamePassphrase() throws Exception {
    List<RawEvent> events = TestSupport.everyKind(SESSION, T9);
    long first = events.get(0).sequence();
    long last = events.get(events.size() - 1).sequence();
    byte[] sealed;
    DeviceKeys keys;
    try (EventStore store = EventStore.open(dir.resolve("other.db"), "NORMAL", 5_000, passphrase("HOME"))) {
      store.crypto().reserve(1);
      sealed = new BlockCodec(store.crypto()).encode(events);
      keys = DeviceKeys.read(store.connection());
    }
    assertEquals(BlockCrypto.SEALED, BlockCodec.format(sealed));
    assertTrue(keys.salt() != null, "a passphrase database ships its salt");
    DeviceKeys shipped = DeviceKeys.fromJson(keys.toJson());
    assertEquals(keys, shipped);

    BlockCrypto reader = shipped.crypto(passphrase("HOME"));
    assertEquals(events, new BlockCodec(reader).decode(sealed, SESSION, first, last));
    BlockDecryptException moved = assertThrows(BlockDecryptException.class,
        () -> new BlockCodec(reader).decode(sealed, SESSION, first + 1, last));
    assertTrue(moved.getMessage().contains("does not decrypt"), "the sequence range is the block's identity");

    DecryptException wrong = assertThrows(DecryptException.class, () -> shipped.crypto(passphrase("PATH")));
    assertTrue(wrong.getMessage().startsWith("the passphrase in $PATH does not unwrap the data keys of device "
        + keys.device()), wrong.getMessage());
    DecryptException keyFile = assertThrows(DecryptException.class,
        () -> shipped.crypto(new StorageConfig.Encryption(true, dir.resolve("keys/storage.key"), null, null)));
    assertTrue(keyFile.getMessage().contains("does not unwrap the data keys of device " + keys.device()),
        keyFile.getMessage());
    DecryptException off = assertThrows(DecryptException.class, () -> shipped.crypto(EncryptionAtRest.OFF));
    assertTrue(off.getMessage().contains("[encryption] is disabled here"), off.getMessage());
  }

  @Test
  void aPlaintextDatabaseHasNoKeyMaterialAndMalformedMaterialIsNamed() throws Exception {
    try (EventStore store = EventStore.open(dir.resolve("plain.db"), "NORMAL")) {
      assertNull(DeviceKeys.read(store.connection()));
    }
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> DeviceKeys.fromJson(new io.vertx.core.json.JsonObject().put("device", "not-a-uuid")));
    assertTrue(bad.getMessage().startsWith("malformed key material"), bad.getMessage());
  }
}
