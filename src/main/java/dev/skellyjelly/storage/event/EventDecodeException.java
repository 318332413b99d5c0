package dev.skellyjelly.storage.event;

import dev.skellyjelly.storage.ErrorCode;
import dev.skellyjelly.storage.StorageException;

/** Bytes that are not a valid encoding of this module's events: truncated, corrupt or too new. */
public final class EventDecodeException extends StorageException {
  public EventDecodeException(String message) {
    super(ErrorCode.DECODE, message);
  }

  public EventDecodeException(String message, Throwable cause) {
    super(ErrorCode.DECODE, message, cause);
  }
}
