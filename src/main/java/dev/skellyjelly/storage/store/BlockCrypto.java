package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.Aead;
import dev.skellyjelly.storage.crypto.DecryptException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Encryption at rest of block payloads and the sensitive text columns: sealed with AES-256-GCM
 * under the current one of the database's {@link DataKeys}, and opened under whichever key sealed
 * them.
 *
 * <pre>
 * sealed := 3:u8  keyId:u8  nonce(12) ciphertext tag(16)
 * </pre>
 * The associated data is the data's identity, so a sealed value cannot be moved unnoticed:
 * device, session and sequence range for a block; device, screenshot and column for a text.
 */
public final class BlockCrypto {

  /** First byte of a sealed payload or column value. */
  public static final int SEALED = 3;

  private final DataKeys keys;
  private final UUID device;

  private BlockCrypto(DataKeys keys, UUID device) {
    this.keys = keys;
    this.device = device;
  }

  /**
   * Unlocks the database's data keys with the configured key-encryption key; the writer
   * ({@code create}) makes the first data key when there is none.
   *
   * @throws ConfigException one line naming the key source when it does not unlock the data keys
   */
  public static BlockCrypto open(Connection c, StorageConfig.Encryption config, boolean create,
      Consumer<String> log) throws SQLException {
    UUID device = Settings.deviceId(c, create);
    return new BlockCrypto(DataKeys.unlock(c, config, create, log), device);
  }

  /**
   * Read-only keys of another device, from its wrapped data keys as replicated: they open its
   * blocks (with its device id as their identity) and never seal.
   *
   * @throws DecryptException when {@code kek} does not unwrap the device's current data key
   */
  static BlockCrypto forDevice(UUID device, int currentId, Map<Integer, byte[]> wrapped, byte[] kek)
      throws DecryptException {
    return new BlockCrypto(DataKeys.shipped(currentId, wrapped, kek), device);
  }

  /** The database's data keys, for rotation. */
  DataKeys dataKeys() {
    return keys;
  }

  /** The id of the data key new data is sealed under. */
  public int currentKeyId() {
    return keys.currentId();
  }

  /**
   * Reserves nonces for {@code count} encryptions durably. Call outside a write transaction (on
   * the writer's connection, autocommit), before work that will seal up to that many values.
   */
  public void reserve(long count) {
    keys.reserve(count);
  }

  /** Opens sealed bytes (any key this database holds) and seals them again under the current key. */
  byte[] reseal(byte[] sealed, byte[] aad) throws DecryptException {
    return seal(open(sealed, aad), aad);
  }

  byte[] blockIdentity(UUID session, long firstSeq, long lastSeq) {
    return blockAad(session, firstSeq, lastSeq);
  }

  byte[] textIdentity(UUID screenshot, String column) {
    return textAad(screenshot, column);
  }

  byte[] sealBlock(byte[] payload, UUID session, long firstSeq, long lastSeq) {
    return seal(payload, blockAad(session, firstSeq, lastSeq));
  }

  byte[] openBlock(byte[] sealed, UUID session, long firstSeq, long lastSeq) throws DecryptException {
    return open(sealed, blockAad(session, firstSeq, lastSeq));
  }

  byte[] sealText(String text, UUID screenshot, String column) {
    return seal(text.getBytes(StandardCharsets.UTF_8), textAad(screenshot, column));
  }

  /** A column value as stored: sealed bytes are opened, plain text (from before encryption) passes. */
  String openText(Object stored, UUID screenshot, String column) throws DecryptException {
    if (stored instanceof byte[] b) {
      return new String(open(b, textAad(screenshot, column)), StandardCharsets.UTF_8);
    }
    return stored == null ? null : stored.toString();
  }

  /** Seals {@code plain} under the current data key with {@code aad} as its identity. */
  byte[] seal(byte[] plain, byte[] aad) {
    byte[] nonce = keys.nextNonce();
    int id = keys.currentId();
    byte[] sealed = keys.key(id).seal(nonce, plain, aad);
    byte[] out = new byte[sealed.length + 2];
    out[0] = (byte) SEALED;
    out[1] = (byte) id;
    System.arraycopy(sealed, 0, out, 2, sealed.length);
    return out;
  }

  private byte[] open(byte[] sealed, byte[] aad) throws DecryptException {
    if (sealed.length < 2 || (sealed[0] & 0xFF) != SEALED) {
      throw new DecryptException("not sealed data");
    }
    Aead key = keys.key(sealed[1] & 0xFF);
    if (key == null) {
      throw new DecryptException("sealed under data key " + (sealed[1] & 0xFF) + ", which " + (keys.shipped()
          ? "device " + device + " has not shipped (or which does not unwrap with the configured key)"
          : "this database does not hold"));
    }
    return key.open(sealed, 2, aad);
  }

  private byte[] blockAad(UUID session, long firstSeq, long lastSeq) {
    return ByteBuffer.allocate(3 + 16 + 16 + 16).put((byte) 'b').put((byte) 'l').put((byte) 'k')
        .putLong(device.getMostSignificantBits()).putLong(device.getLeastSignificantBits())
        .putLong(session.getMostSignificantBits()).putLong(session.getLeastSignificantBits())
        .putLong(firstSeq).putLong(lastSeq).array();
  }

  private byte[] textAad(UUID screenshot, String column) {
    byte[] name = column.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(3 + 32 + name.length).put((byte) 't').put((byte) 'x').put((byte) 't')
        .putLong(device.getMostSignificantBits()).putLong(device.getLeastSignificantBits())
        .putLong(screenshot.getMostSignificantBits()).putLong(screenshot.getLeastSignificantBits())
        .put(name).array();
  }
}
