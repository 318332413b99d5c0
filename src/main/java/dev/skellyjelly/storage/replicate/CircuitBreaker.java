package dev.skellyjelly.storage.replicate;

import java.util.function.DoubleSupplier;

/**
 * When to try PostgreSQL again. Closed: every attempt goes. After {@link #FAILURES_TO_OPEN}
 * failures in a row it opens: the next attempt waits an exponential backoff (base doubling to
 * {@code maxDelayMs}) with jitter — a random 50–100 % of it, so devices cut off together do not
 * come back in lockstep — and is a single half-open probe; its success closes the breaker, its
 * failure opens it again for longer. Pure: time and randomness come from the caller.
 */
public final class CircuitBreaker {

  /** The gauge values on /metrics: 0 closed, 1 half-open, 2 open. */
  public enum State {
    CLOSED, HALF_OPEN, OPEN
  }

  static final int FAILURES_TO_OPEN = 3;

  private final long baseDelayMs;
  private final long maxDelayMs;
  private final DoubleSupplier random;
  private State state = State.CLOSED;
  private int failuresInARow;
  private long retryAtMs;

  public CircuitBreaker(long baseDelayMs, long maxDelayMs, DoubleSupplier random) {
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.random = random;
  }

  public State state() {
    return state;
  }

  public int failuresInARow() {
    return failuresInARow;
  }

  /** Whether an attempt may go at {@code nowMs}; an open breaker past its delay turns half-open. */
  public boolean allows(long nowMs) {
    if (state == State.OPEN && nowMs >= retryAtMs) {
      state = State.HALF_OPEN;
    }
    return state != State.OPEN;
  }

  public void onSuccess() {
    state = State.CLOSED;
    failuresInARow = 0;
  }

  /**
   * Records a failed attempt.
   *
   * @return how long to wait before the next attempt, in ms
   */
  public long onFailure(long nowMs) {
    failuresInARow++;
    int exponent = Math.min(20, failuresInARow - 1);
    long ceiling = Math.min(maxDelayMs, baseDelayMs << exponent);
    long delay = Math.max(1, Math.round(ceiling * (0.5 + 0.5 * random.getAsDouble())));
    if (failuresInARow >= FAILURES_TO_OPEN) {
      state = State.OPEN;
    }
    retryAtMs = nowMs + delay;
    return delay;
  }
}
