package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.Aead;
import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.crypto.NonceSequence;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A database's data keys (envelope encryption): random AES-256-GCM keys, stored only wrapped under
 * the key-encryption key in {@code settings} ({@code data_key:<id>}, the current id, each key's
 * nonce prefix and reserved nonce mark). Unlocking unwraps them; a wrong key-encryption key fails
 * at once — the GCM tag is the key check value. Rotation adds a key, rewraps them all, or retires
 * one; the current key's nonces are reserved durably before use.
 */
final class DataKeys {

  static final String CURRENT = "data_key_current";
  /** Prefix of the settings keys holding the wrapped data keys: {@code data_key:<id>}. */
  static final String WRAPPED = "data_key:";

  /** The connection holding the keys; null for another device's keys (read-only). */
  private final Connection connection;
  private final Map<Integer, Aead> keys = new HashMap<>();
  private Aead kek;
  private int currentId;
  private NonceSequence nonces;

  private DataKeys(Connection connection) {
    this.connection = connection;
  }

  /**
   * Unlocks the database's data keys with the configured key-encryption key; the writer
   * ({@code create}) makes the first data key when there is none.
   *
   * @throws ConfigException one line naming the key source when it does not unlock the data keys
   */
  static DataKeys unlock(Connection c, StorageConfig.Encryption config, boolean create, Consumer<String> log)
      throws SQLException {
    DataKeys dataKeys = new DataKeys(c);
    Aead kek = new Aead(KekSource.keyEncryptionKey(config, KekSource.passphraseSalt(c, config, create), log));
    dataKeys.kek = kek;
    String current = Settings.get(c, CURRENT);
    if (current == null) {
      if (!create) {
        return dataKeys; // nothing is encrypted yet
      }
      dataKeys.addDataKey(kek, 1);
      current = "1";
    }
    dataKeys.currentId = Integer.parseInt(current);
    for (int id = 1; id <= dataKeys.currentId; id++) {
      String wrapped = Settings.get(c, WRAPPED + id);
      if (wrapped == null) {
        continue; // retired by a completed re-encryption
      }
      try {
        dataKeys.keys.put(id, new Aead(kek.open(Base64.getDecoder().decode(wrapped), 0, wrapAad(id))));
      } catch (DecryptException e) {
        throw new ConfigException("[encryption] the " + config.source() + " does not unlock this"
            + " database's data key (wrong key or passphrase?); nothing was read or changed");
      }
    }
    if (create) {
      dataKeys.useNonces(dataKeys.currentId);
    }
    return dataKeys;
  }

  /**
   * Another device's keys, from its wrapped data keys as replicated: they only open. A data key
   * other than the current one that does not unwrap is left out (a retired key, wrapped under an
   * earlier key-encryption key): only data still sealed under it fails to open.
   *
   * @throws DecryptException when {@code kek} does not unwrap the device's current data key
   */
  static DataKeys shipped(int currentId, Map<Integer, byte[]> wrapped, byte[] kek) throws DecryptException {
    DataKeys dataKeys = new DataKeys(null);
    Aead unwrapping = new Aead(kek);
    dataKeys.currentId = currentId;
    for (Map.Entry<Integer, byte[]> k : wrapped.entrySet()) {
      try {
        dataKeys.keys.put(k.getKey(), new Aead(unwrapping.open(k.getValue(), 0, wrapAad(k.getKey()))));
      } catch (DecryptException e) {
        if (k.getKey() == currentId) {
          throw e;
        }
      }
    }
    if (!dataKeys.keys.containsKey(currentId)) {
      throw new DecryptException("its current data key " + currentId + " is missing from its key material");
    }
    return dataKeys;
  }

  /** Whether this database holds encryption keys (it has been encrypted). */
  static boolean isEncrypted(Connection c) throws SQLException {
    return Settings.get(c, CURRENT) != null;
  }

  /** Whether these keys came from another device (they open what it shipped, and never seal). */
  boolean shipped() {
    return connection == null;
  }

  /** The id of the data key new data is sealed under. */
  int currentId() {
    return currentId;
  }

  /** Data key {@code id}, or null when these keys do not hold it. */
  Aead key(int id) {
    return keys.get(id);
  }

  /** The data keys this database still holds, by id. */
  Set<Integer> ids() {
    return Set.copyOf(keys.keySet());
  }

  /** The next nonce of the current key; only the writer, which reserved them, has any. */
  byte[] nextNonce() {
    if (nonces == null) {
      throw new IllegalStateException("only the writer seals data");
    }
    return nonces.next();
  }

  /**
   * Reserves nonces for {@code count} encryptions durably. Call outside a write transaction (on
   * the writer's connection, autocommit), before work that will seal up to that many values.
   */
  void reserve(long count) {
    nonces.ensure(count);
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
        st.execute("DELETE FROM settings WHERE key = '" + KekSource.SALT + "'");
      } else {
        Settings.put(connection, KekSource.SALT, Base64.getEncoder().encodeToString(newSalt));
      }
    });
    kek = next;
  }

  /** Makes a new data key current (new data is sealed under it); older ones stay to read. */
  void addNew() throws SQLException {
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

  private byte[] rawKey(int id) {
    try {
      return kek.open(Base64.getDecoder().decode(Settings.get(connection, WRAPPED + id)), 0, wrapAad(id));
    } catch (SQLException | DecryptException e) {
      throw new IllegalStateException("cannot unwrap data key " + id + ": " + e.getMessage(), e);
    }
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
}
