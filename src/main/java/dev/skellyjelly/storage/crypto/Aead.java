package dev.skellyjelly.storage.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with one key: {@code nonce (12) ‖ ciphertext ‖ tag (16)}, the associated data
 * authenticated but not stored. One {@link Cipher} per thread (a Cipher is not thread-safe).
 * Nonces come from the caller (a {@link NonceSequence}, never repeating) or, for the rare key
 * wraps, from a CSPRNG.
 */
public final class Aead {

  public static final int KEY_BYTES = 32;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no AES/GCM: " + e.getMessage(), e);
    }
  });

  private final SecretKeySpec key;

  public Aead(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  public static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Seals {@code plain} under {@code nonce}; returns nonce ‖ ciphertext ‖ tag. */
  public byte[] seal(byte[] nonce, byte[] plain, byte[] aad) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + c.getOutputSize(plain.length));
      c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
    }
  }

  /** Seals under a random nonce: only for the few key wraps, never for data. */
  public byte[] sealWithRandomNonce(byte[] plain, byte[] aad) {
    return seal(randomBytes(NONCE_BYTES), plain, aad);
  }

  /** Opens what {@link #seal} returned (from {@code offset}); a wrong key or any changed byte fails. */
  public byte[] open(byte[] sealed, int offset, byte[] aad) throws DecryptException {
    if (sealed.length - offset < NONCE_BYTES + TAG_BYTES) {
      throw new DecryptException("sealed data is " + (sealed.length - offset) + " bytes, shorter than"
          + " a nonce and a tag");
    }
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, offset, NONCE_BYTES));
      c.updateAAD(aad);
      return c.doFinal(sealed, offset + NONCE_BYTES, sealed.length - offset - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new DecryptException("authentication failed: wrong key, or the data or its identity was changed");
    } catch (GeneralSecurityException e) {
      throw new DecryptException("AES-GCM decryption failed: " + e.getMessage());
    }
  }
}
