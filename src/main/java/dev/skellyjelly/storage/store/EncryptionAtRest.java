package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a connection meets {@code [encryption]}: the writer unlocks (or creates) the data keys and
 * turns on {@code secure_delete}; a reader unlocks them; an encrypted database opened with
 * encryption off is refused with one line, never read as garbage.
 */
public final class EncryptionAtRest {

  private static final Logger LOG = LoggerFactory.getLogger(EncryptionAtRest.class);

  /** Encryption off, for tools and tests that never encrypt. */
  public static final StorageConfig.Encryption OFF = new StorageConfig.Encryption(false,
      Path.of("storage.key"), null, null);

  private EncryptionAtRest() {
  }

  /** For the writer: the keys that seal what it writes, or null when encryption is off. */
  static BlockCrypto openForWriting(Connection c, StorageConfig.Encryption config) throws SQLException {
    if (!config.enabled()) {
      refuseIfEncrypted(c);
      return null;
    }
    try (Statement st = c.createStatement()) {
      // Deleted and overwritten content (plaintext from before, replaced blocks) is zeroed.
      st.execute("PRAGMA secure_delete = ON");
    }
    return BlockCrypto.open(c, config, true, LOG::warn);
  }

  /** For readers: the keys that open what is sealed, or null when the database is not encrypted. */
  public static BlockCrypto openForReading(Connection c, StorageConfig.Encryption config) throws SQLException {
    if (!config.enabled()) {
      refuseIfEncrypted(c);
      return null;
    }
    return DataKeys.isEncrypted(c) ? BlockCrypto.open(c, config, false, LOG::warn) : null;
  }

  /** A key-encryption key and the passphrase salt it came from (null for a key file or variable). */
  public record KeyEncryptionKeyAndSalt(byte[] key, byte[] salt) {
  }

  /** The configured key-encryption key of an encrypted database, for files sealed under it. */
  public static KeyEncryptionKeyAndSalt keyEncryptionKey(Connection c, StorageConfig.Encryption config)
      throws SQLException {
    if (!config.enabled() || !DataKeys.isEncrypted(c)) {
      throw new ConfigException("[encryption] the database is not encrypted: enable [encryption] to seal files");
    }
    BlockCrypto.open(c, config, false, LOG::warn); // proves the key opens this database's data keys
    byte[] salt = KekSource.passphraseSalt(c, config, false);
    return new KeyEncryptionKeyAndSalt(KekSource.keyEncryptionKey(config, salt, LOG::warn), salt);
  }

  /** The configured key-encryption key for a sealed file with this passphrase salt (null: none). */
  public static byte[] keyEncryptionKey(StorageConfig.Encryption config, byte[] salt) {
    if (config.passphraseEnv() != null && salt == null) {
      throw new ConfigException("[encryption] uses a passphrase, but the file was sealed under a key file or key"
          + " variable: configure that key");
    }
    return KekSource.keyEncryptionKey(config, salt, LOG::warn);
  }

  private static void refuseIfEncrypted(Connection c) throws SQLException {
    if (DataKeys.isEncrypted(c)) {
      throw new ConfigException("[encryption] this database is encrypted but encryption.enabled is false;"
          + " set [encryption] enabled = true with the key it was encrypted with");
    }
  }
}
