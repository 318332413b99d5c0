package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;

/**
 * When a read-only query must have answered, on the monotonic clock. The back ends enforce it
 * inside a statement (SQLite: a progress handler on the connection; PostgreSQL:
 * {@code statement_timeout}); the query service checks it between statements.
 */
public record Deadline(long timeoutMs, long nanoTime) {

  /** A deadline {@code timeoutMs} from now. */
  public static Deadline in(long timeoutMs) {
    return new Deadline(timeoutMs, System.nanoTime() + timeoutMs * 1_000_000L);
  }

  /** No deadline: the command-line tools read a whole range. */
  public static Deadline none() {
    return new Deadline(Long.MAX_VALUE, System.nanoTime() + Long.MAX_VALUE / 2);
  }

  public boolean passed() {
    return System.nanoTime() - nanoTime >= 0;
  }

  /** Whole milliseconds left, at least 1 (PostgreSQL reads 0 as "no timeout"). */
  public long remainingMs() {
    return Math.max(1, (nanoTime - System.nanoTime()) / 1_000_000L);
  }

  /** The failure of a query that ran past this deadline (bus failure {@code TIMEOUT}). */
  public StorageException exceeded() {
    return new StorageException(ErrorCode.TIMEOUT, "the query ran past its deadline of " + timeoutMs
        + " ms and was interrupted; narrow the range, use a smaller limit, or raise"
        + " storage.query_timeout_ms (or the query's timeoutMs)");
  }
}
