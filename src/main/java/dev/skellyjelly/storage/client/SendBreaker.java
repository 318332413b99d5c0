package dev.skellyjelly.storage.client;

/**
 * The client's circuit breaker for durable retries. After {@code threshold} failures in a row it
 * opens: retries then wait (still counted against the send bound) instead of each knocking on its
 * own. When the open period ends, one retry goes as a probe (half-open); its success closes the
 * breaker and releases the others, its failure opens it again for twice as long, up to a cap. It
 * never fails a send itself — the retry horizon does. Not thread-safe: the client guards it.
 */
final class SendBreaker {

  enum State { CLOSED, OPEN, HALF_OPEN }

  private final int threshold;
  private final long firstOpenMs;
  private final long maxOpenMs;
  private State state = State.CLOSED;
  private int failuresInARow;
  private long openMs;
  private long openUntilMs;

  SendBreaker(int threshold, long firstOpenMs, long maxOpenMs) {
    this.threshold = threshold;
    this.firstOpenMs = firstOpenMs;
    this.maxOpenMs = Math.max(firstOpenMs, maxOpenMs);
  }

  State state() {
    return state;
  }

  /** Whether a retry may go now; the one let through when an open period has ended is the probe. */
  boolean tryAcquire(long nowMs) {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (nowMs >= openUntilMs) {
          state = State.HALF_OPEN;
          return true;
        }
        return false;
      default:
        return false; // a probe is out: wait for its answer
    }
  }

  /** How long until a retry may try again (0 when it may now, or when waiting on a probe's answer). */
  long waitMs(long nowMs) {
    return state == State.OPEN ? Math.max(0, openUntilMs - nowMs) : 0;
  }

  void success() {
    state = State.CLOSED;
    failuresInARow = 0;
    openMs = 0;
  }

  void failure(long nowMs) {
    failuresInARow++;
    if (state == State.HALF_OPEN || (state == State.CLOSED && failuresInARow >= threshold)) {
      openMs = openMs == 0 ? firstOpenMs : Math.min(maxOpenMs, openMs * 2);
      openUntilMs = nowMs + openMs;
      state = State.OPEN;
    }
  }
}
