package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.Aead;
import dev.skellyjelly.storage.crypto.KeyEncryptionKey;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Where the key-encryption key of {@code [encryption]} comes from: a passphrase (with this
 * database's salt, kept in {@code settings}), an environment variable, or a key file. Every
 * failure is one line naming the key source.
 */
final class KekSource {

  /** Settings key of the passphrase salt. */
  static final String SALT = "kek_salt";

  private KekSource() {
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
}
