package dev.skellyjelly.storage.crypto;

import java.util.Arrays;

/**
 * Crypto-shredding for temporary files: the bytes are sealed under a fresh random key that lives
 * only in memory. Forgetting the key destroys the data, whatever is left on disk — a file left by
 * a crash is noise to whoever finds it. Each key seals exactly one thing, so its nonce is random.
 */
public final class OneTimeKey {

  private static final byte[] AAD = "skelly-jelly temp file".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] key = Aead.randomBytes(Aead.KEY_BYTES);

  /** Seals {@code plain}; only this key opens the result. */
  public byte[] seal(byte[] plain) {
    return new Aead(key).sealWithRandomNonce(plain, AAD);
  }

  public byte[] open(byte[] sealed) throws DecryptException {
    return new Aead(key).open(sealed, 0, AAD);
  }

  /** Overwrites the key: what it sealed can no longer be read by anyone. */
  public void forget() {
    Arrays.fill(key, (byte) 0);
  }
}
