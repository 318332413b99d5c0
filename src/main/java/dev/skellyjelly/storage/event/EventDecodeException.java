package dev.skellyjelly.storage.event;

/**
 * Bytes that are not a valid encoding of this module's events: truncated, corrupt or too new.
 * Whoever answers a caller reports it as {@code DECODE}.
 */
public final class EventDecodeException extends RuntimeException {
  public EventDecodeException(String message) {
    super(message);
  }

  public EventDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
