package dev.skellyjelly.storage.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The key-encryption key (KEK) that wraps the data keys: 32 bytes from a key file (base64, created
 * 600 when missing), from an environment variable (base64), or derived from a passphrase with
 * Argon2id. It never touches the database; only what it wraps does.
 */
public final class KeyEncryptionKey {

  /** Argon2id cost: 64 MiB, 3 passes (RFC 9106's second recommended option), one lane. */
  private static final int ARGON_MEMORY_KIB = 64 * 1024;
  private static final int ARGON_ITERATIONS = 3;

  private KeyEncryptionKey() {
  }

  /** Reads the key file, or creates it (32 random bytes, base64, 600) when it does not exist. */
  public static byte[] fromFile(Path file, java.util.function.Consumer<String> log) throws IOException {
    if (!Files.exists(file)) {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path temp = Files.createTempFile(dir, ".key", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, Base64.getEncoder().encodeToString(Aead.randomBytes(Aead.KEY_BYTES)) + "\n");
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.accept("created a new encryption key file " + file.toAbsolutePath() + " (600); keep a copy"
          + " somewhere safe: without it the encrypted data cannot be read");
    }
    return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), "key file " + file);
  }

  /** The base64 value of an environment variable. */
  public static byte[] fromEnvironment(String variable, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + variable + " is not set; export it"
          + " with the base64 of a 32-byte key (e.g. openssl rand -base64 32)");
    }
    return decode(value.trim(), "environment variable " + variable);
  }

  /** Derives the key from a passphrase and the database's salt with Argon2id. */
  public static byte[] fromPassphrase(char[] passphrase, byte[] salt) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
        .withMemoryAsKB(ARGON_MEMORY_KIB).withIterations(ARGON_ITERATIONS).withParallelism(1).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] key = new byte[Aead.KEY_BYTES];
    generator.generateBytes(passphrase, key);
    return key;
  }

  private static byte[] decode(String base64, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not base64; it must hold the base64 of 32 random bytes");
    }
    if (key.length != Aead.KEY_BYTES) {
      throw new IllegalArgumentException(where + " holds " + key.length + " bytes; an AES-256 key has 32");
    }
    return key;
  }
}
