package dev.skellyjelly.storage.retry;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * When to try again: exponential backoff from {@code firstDelay}, capped at {@code maxDelay},
 * with "equal jitter" (half the step fixed, half random) so that many senders refused together
 * do not come back together — and no retry that would start past {@code horizon}, counted from
 * the first attempt. Pure arithmetic with an injected random source: the producer client uses
 * it, and so can any other retry loop of the module.
 */
public final class RetryBackoff {

  private final Duration firstDelay;
  private final Duration maxDelay;
  private final Duration horizon;
  private final LongUnaryOperator randomBelow;

  /**
   * @param randomBelow returns a uniformly random value in {@code [0, bound)} for a bound
   *     {@code > 0}; tests pass a fixed one
   */
  public RetryBackoff(Duration firstDelay, Duration maxDelay, Duration horizon,
      LongUnaryOperator randomBelow) {
    if (firstDelay.toMillis() < 1 || maxDelay.compareTo(firstDelay) < 0 || horizon.isNegative()) {
      throw new IllegalArgumentException("retry backoff needs 1 ms <= first delay (" + firstDelay
          + ") <= max delay (" + maxDelay + ") and a horizon >= 0 (" + horizon + ")");
    }
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
    this.horizon = horizon;
    this.randomBelow = randomBelow;
  }

  public Duration horizon() {
    return horizon;
  }

  /**
   * The delay before the next attempt after {@code failedAttempts} failures (1 or more), or
   * {@code -1} when that attempt would start more than the horizon after the first one.
   *
   * @param elapsedMs time since the first attempt started
   */
  public long nextDelayMs(int failedAttempts, long elapsedMs) {
    int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
    long step = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << doublings);
    long half = step / 2;
    long delay = step - half + (half > 0 ? randomBelow.applyAsLong(half + 1) : 0);
    return elapsedMs + delay > horizon.toMillis() ? -1 : delay;
  }
}
