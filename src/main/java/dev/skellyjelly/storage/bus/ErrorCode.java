package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.FrameEncoding;

/** Failure codes on the bus; the number is the {@code ReplyException.failureCode()}. */
public enum ErrorCode {
  /** The write queue is full: retry later, with backoff. */
  BACKPRESSURE(429),
  /** Bytes on the bus or in the database could not be decoded. */
  DECODE(422),
  /** Encrypted data did not open: no key, a wrong key, or a changed byte. */
  DECRYPT(422),
  /** The message decoded but is not a valid event or request. */
  INVALID_EVENT(400),
  /** A message is over a size limit (the message names it): split it and send again. */
  TOO_LARGE(413),
  /** A query parameter is missing or wrong. */
  BAD_REQUEST(400),
  /** A screenshot existed but its retention has passed. */
  EXPIRED(410),
  /** Nothing is known under that id. */
  NOT_FOUND(404),
  /** The database failed to commit; the events were not stored. */
  DATABASE(500),
  /** A paging cursor refers to blocks that were merged since: restart the query without it. */
  STALE_CURSOR(409),
  /** A query ran past its deadline and was interrupted. */
  TIMEOUT(504),
  /** The module is stopping or not ready. */
  UNAVAILABLE(503);

  private final int failureCode;

  ErrorCode(int failureCode) {
    this.failureCode = failureCode;
  }

  public int failureCode() {
    return failureCode;
  }

  /**
   * The code a caller gets for {@code failure}: a {@link StorageException}'s own, {@code DECODE}
   * for bytes that are not events, {@code TOO_LARGE} for an oversized frame; {@code fallback} for
   * anything else.
   */
  public static ErrorCode of(Throwable failure, ErrorCode fallback) {
    if (failure instanceof StorageException s) {
      return s.code();
    }
    if (failure instanceof EventDecodeException) {
      return DECODE;
    }
    if (failure instanceof FrameEncoding.FrameTooLargeException) {
      return TOO_LARGE;
    }
    return fallback;
  }
}
