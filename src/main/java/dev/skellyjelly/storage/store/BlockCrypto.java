package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.Aead;
import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.crypto.KeyEncryptionKey;
import dev.skellyjelly.storage.crypto.NonceSequence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Encryption at rest (envelope encryption): random data keys encrypt block payloads and the
 * sensitive text columns with AES-256-GCM; the key-encryption key of {@code [encryption]} wraps
 * them, and only the wrapped data keys are stored ({@code settings}: {@code data_key:<id>}, the
 * current id, each key's nonce prefix and reserved nonce mark, the passphrase salt). A wrong
 * key-encryption key fails to unwrap at once — the GCM tag is the key check value.
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
  static final String CURRENT = "data_key_current";
  static final String SALT = "kek_salt";
  /** Prefix of the settings keys holding the wrapped data keys: {@code data_key:<id>}. */
  static final String WRAPPED = "data_key:";

  private final Connection connection;
  private final UUID device;
  private final Map<Integer, Aead> keys = new HashMap<>();
  private Aead kek;
  private int currentId;
  private NonceSequence nonces;

  private BlockCrypto(Connection connection, UUID device) {
    this.connection = connection;
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
    BlockCrypto crypto = new BlockCrypto(c, Settings.deviceId(c, create));
    Aead kek = new Aead(keyEncryptionKey(config, passphraseSalt(c, config, create), log));
    crypto.kek = kek;
    String current = Settings.get(c, CURRENT);
    if (current == null) {
      if (!create) {
        return crypto; // nothing is encrypted yet
      }
      crypto.addDataKey(kek, 1);
      current = "1";
    }
    crypto.currentId = Integer.parseInt(current);
    for (int id = 1; id <= crypto.currentId; id++) {
      String wrapped = Settings.get(c, WRAPPED + id);
      if (wrapped == null) {
        continue; // retired by a completed re-encryption
      }
      try {
        crypto.keys.put(id, new Aead(kek.open(Base64.getDecoder().decode(wrapped), 0, wrapAad(id))));
      } catch (DecryptException e) {
        throw new ConfigException("[encryption] the " + config.source() + " does not unlock this"
            + " database's data key (wrong key or passphrase?); nothing was read or changed");
      }
    }
    if (create) {
      crypto.useNonces(crypto.currentId);
    }
    return crypto;
  }

  /**
   * Read-only keys of another device, from its wrapped data keys as replicated: they open its
   * blocks (with its device id as their identity) and never seal. A data key other than the
   * current one that does not unwrap is left out (a retired key, wrapped under an earlier
   * key-encryption key): only blocks still sealed under it fail to open.
   *
   * @throws DecryptException when {@code kek} does not unwrap the device's current data key
   */
  static BlockCrypto forDevice(UUID device, int currentId, Map<Integer, byte[]> wrapped, byte[] kek)
      throws DecryptException {
    BlockCrypto crypto = new BlockCrypto(null, device);
    Aead unwrapping = new Aead(kek);
    crypto.currentId = currentId;
    for (Map.Entry<Integer, byte[]> k : wrapped.entrySet()) {
      try {
        crypto.keys.put(k.getKey(), new Aead(unwrapping.open(k.getValue(), 0, wrapAad(k.getKey()))));
      } catch (DecryptException e) {
        if (k.getKey() == currentId) {
          throw e;
        }
      }
    }
    if (!crypto.keys.containsKey(currentId)) {
      throw new DecryptException("its current data key " + currentId + " is missing from its key material");
    }
    return crypto;
  }

  /** Whether this database holds encryption keys (it has been encrypted). */
  public static boolean isEncrypted(Connection c) throws SQLException {
    return Settings.get(c, CURRENT) != null;
  }

  /** The passphrase salt of this database, created by the writer on first use; null without a passphrase. */
  static byte[] passphraseSalt(Connection c, StorageConfig.Encryption config, boolean create) throws SQLException {
    if (config.passphraseEnv() == null) {
      return null;
    }
    String salt = Settings.get(c, SALT);
    if (salt == null) {
      if (!create) {
        throw new ConfigException("[encryption] this database has no passphrase salt: it was not"
            + " encrypted with a passphrase");
      }
      salt = Base64.getEncoder().encodeToString(Aead.randomBytes(16));
      Settings.put(c, SALT, salt);
    }
    return Base64.getDecoder().decode(salt);
  }

  /** The key-encryption key from its configured source ({@code salt}: the passphrase's, if one). */
  static byte[] keyEncryptionKey(StorageConfig.Encryption config, byte[] salt, Consumer<String> log) {
    try {
      if (config.passphraseEnv() != null) {
        String passphrase = System.getenv(config.passphraseEnv());
        if (passphrase == null || passphrase.isEmpty()) {
          throw new ConfigException("[encryption] passphrase_env names $" + config.passphraseEnv()
              + ", which is not set; export the passphrase in it");
        }
        return KeyEncryptionKey.fromPassphrase(passphrase.toCharArray(), salt);
      }
      if (config.keyEnv() != null) {
        return KeyEncryptionKey.fromEnvironment(config.keyEnv(), System.getenv(config.keyEnv()));
      }
      return KeyEncryptionKey.fromFile(config.keyFile(), log);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("[encryption] " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("[encryption] cannot read or create key_file " + config.keyFile() + ": "
          + e.getMessage());
    }
  }

  /** The id of the data key new data is sealed under. */
  public int currentKeyId() {
    return currentId;
  }

  /**
   * Wraps every data key under {@code newKek} instead, in one transaction; no data is rewritten.
   * The passphrase salt goes when the new key is not a passphrase's.
   */
  void rewrap(byte[] newKek, byte[] newSalt) throws SQLException {
    Aead next = new Aead(newKek);
    Transactions.immediate(connection, st -> {
      for (Map.Entry<Integer, Aead> k : keys.entrySet()) {
        Settings.put(connection, WRAPPED + k.getKey(), Base64.getEncoder().encodeToString(
            next.sealWithRandomNonce(rawKey(k.getKey()), wrapAad(k.getKey()))));
      }
      if (newSalt == null) {
        st.execute("DELETE FROM settings WHERE key = '" + SALT + "'");
      } else {
        Settings.put(connection, SALT, Base64.getEncoder().encodeToString(newSalt));
      }
    });
    kek = next;
  }

  /** Makes a new data key current (new data is sealed under it); older ones stay to read. */
  void addNewDataKey() throws SQLException {
    int id = currentId + 1;
    Transactions.immediate(connection, st -> addDataKey(kek, id));
    currentId = id;
    useNonces(id);
  }

  /** Forgets data key {@code id} once nothing is sealed under it any more. */
  void retire(int id) throws SQLException {
    try (var ps = connection.prepareStatement("DELETE FROM settings WHERE key = ?")) {
      ps.setString(1, WRAPPED + id);
      ps.executeUpdate();
    }
    keys.remove(id);
  }

  /** The data keys this database still holds, by id. */
  java.util.Set<Integer> keyIds() {
    return java.util.Set.copyOf(keys.keySet());
  }

  private byte[] rawKey(int id) {
    try {
      return kek.open(Base64.getDecoder().decode(Settings.get(connection, WRAPPED + id)), 0, wrapAad(id));
    } catch (SQLException | DecryptException e) {
      throw new IllegalStateException("cannot unwrap data key " + id + ": " + e.getMessage(), e);
    }
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

  private static byte[] wrapAad(int id) {
    return ("skelly-jelly data key " + id).getBytes(StandardCharsets.UTF_8);
  }

  /** Makes data key {@code id}, wraps it under {@code kek} and makes it current. */
  private void addDataKey(Aead kek, int id) throws SQLException {
    byte[] key = Aead.randomBytes(Aead.KEY_BYTES);
    Settings.put(connection, WRAPPED + id,
        Base64.getEncoder().encodeToString(kek.sealWithRandomNonce(key, wrapAad(id))));
    Settings.put(connection, "nonce_prefix:" + id, Integer.toString(ByteBuffer.wrap(Aead.randomBytes(4)).getInt()));
    Settings.put(connection, CURRENT, Integer.toString(id));
    keys.put(id, new Aead(key));
  }

  private void useNonces(int id) throws SQLException {
    String prefix = Settings.get(connection, "nonce_prefix:" + id);
    nonces = new NonceSequence(Integer.parseInt(prefix), new NonceSequence.Reservations() {
      @Override
      public long reserved() {
        try {
          String v = Settings.get(connection, "nonce_reserved:" + id);
          return v == null ? 0 : Long.parseLong(v);
        } catch (SQLException e) {
          throw new IllegalStateException("cannot read the reserved nonce mark: " + e.getMessage(), e);
        }
      }

      @Override
      public void reserve(long upTo) {
        try {
          Settings.put(connection, "nonce_reserved:" + id, Long.toString(upTo));
        } catch (SQLException e) {
          throw new IllegalStateException("cannot reserve nonces: " + e.getMessage(), e);
        }
      }
    });
  }

  /**
   * Reserves nonces for {@code count} encryptions durably. Call outside a write transaction (on
   * the writer's connection, autocommit), before work that will seal up to that many values.
   */
  public void reserve(long count) {
    nonces.ensure(count);
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
    if (nonces == null) {
      throw new IllegalStateException("only the writer seals data");
    }
    byte[] sealed = keys.get(currentId).seal(nonces.next(), plain, aad);
    byte[] out = new byte[sealed.length + 2];
    out[0] = (byte) SEALED;
    out[1] = (byte) currentId;
    System.arraycopy(sealed, 0, out, 2, sealed.length);
    return out;
  }

  private byte[] open(byte[] sealed, byte[] aad) throws DecryptException {
    if (sealed.length < 2 || (sealed[0] & 0xFF) != SEALED) {
      throw new DecryptException("not sealed data");
    }
    Aead key = keys.get(sealed[1] & 0xFF);
    if (key == null) {
      throw new DecryptException("sealed under data key " + (sealed[1] & 0xFF) + ", which " + (connection == null
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
