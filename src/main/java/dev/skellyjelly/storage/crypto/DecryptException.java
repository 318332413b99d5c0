package dev.skellyjelly.storage.crypto;

/** Sealed data did not open: a wrong key, or a changed byte of the data or of its identity. */
public final class DecryptException extends Exception {
  public DecryptException(String message) {
    super(message);
  }
}
