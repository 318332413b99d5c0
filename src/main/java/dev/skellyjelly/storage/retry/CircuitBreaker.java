package dev.skellyjelly.storage.retry;

/**
 * The module's circuit breaker, for a retry loop facing a peer that may be away for a while (the
 * producer client facing storage, replication facing PostgreSQL). Closed: every attempt goes.
 * After {@code failuresToOpen} failures in a row it opens for a {@link RetryBackoff} delay of that
 * many failures — growing, capped, jittered so peers cut off together do not come back in
 * lockstep — during which attempts wait instead of each knocking on its own. When the delay has
 * passed, one attempt goes as a probe (half-open): its success closes the breaker, its failure
 * opens it again for longer. It never gives up by itself: the caller's horizon does. Pure: time
 * comes from the caller; not thread-safe (its owner guards it).
 */
public final class CircuitBreaker {

  /** In this order: the replication gauge shows the ordinal (0 closed, 1 half-open, 2 open). */
  public enum State {
    CLOSED, HALF_OPEN, OPEN
  }

  private final int failuresToOpen;
  private final RetryBackoff backoff;
  private State state = State.CLOSED;
  private int failuresInARow;
  private long openUntilMs;

  public CircuitBreaker(int failuresToOpen, RetryBackoff backoff) {
    if (failuresToOpen < 1) {
      throw new IllegalArgumentException("a breaker opens after 1 or more failures, not " + failuresToOpen);
    }
    this.failuresToOpen = failuresToOpen;
    this.backoff = backoff;
  }

  public State state() {
    return state;
  }

  public int failuresInARow() {
    return failuresInARow;
  }

  /**
   * Whether an attempt may go at {@code nowMs}. An open breaker whose delay has passed lets this
   * one through as its probe and turns half-open; while the probe is out, nothing else goes.
   */
  public boolean tryAcquire(long nowMs) {
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
        return false;
    }
  }

  /** How long until an attempt may go (0 when one may now, or when waiting on a probe's answer). */
  public long waitMs(long nowMs) {
    return state == State.OPEN ? Math.max(0, openUntilMs - nowMs) : 0;
  }

  public void onSuccess() {
    state = State.CLOSED;
    failuresInARow = 0;
  }

  /**
   * Records a failed attempt: the breaker opens at the threshold or when its probe failed (a
   * failure reported while already open — an attempt sent before it opened — changes nothing).
   *
   * @return the backoff delay after this many failures in a row: how long to wait before the
   *     next attempt, and how long an opened breaker stays open
   */
  public long onFailure(long nowMs) {
    failuresInARow++;
    long delay = backoff.delayMs(failuresInARow);
    if (state == State.HALF_OPEN || (state == State.CLOSED && failuresInARow >= failuresToOpen)) {
      state = State.OPEN;
      openUntilMs = nowMs + delay;
    }
    return delay;
  }
}
