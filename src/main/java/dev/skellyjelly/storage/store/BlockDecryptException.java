package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.ErrorCode;
import dev.skellyjelly.storage.StorageException;

/** An encrypted block did not open: no key, a wrong key, or a changed byte of it or its identity. */
public final class BlockDecryptException extends StorageException {
  public BlockDecryptException(String message) {
    super(ErrorCode.DECRYPT, message);
  }
}
