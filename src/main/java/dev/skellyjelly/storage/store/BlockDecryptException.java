package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;

/** An encrypted block did not open: no key, a wrong key, or a changed byte of it or its identity. */
public final class BlockDecryptException extends StorageException {
  public BlockDecryptException(String message) {
    super(ErrorCode.DECRYPT, message);
  }
}
