package dev.skellyjelly.storage.retry;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * When to try again: exponential backoff from {@code firstDelay}, capped at {@code maxDelay},
 * with "equal jitter" (half the step fixed, half random) so that many senders refused together
 * do not come back together — and no retry that would start past {@code horizon}, counted from
 * the first attempt. Pure arithmetic with an injected random source: the module's one retry
 * policy — the producer client's durable sends, the writer's commit retry, a peer waiting for
 * storage — and the open periods of {@link CircuitBreaker}.
 */
public final class RetryBackoff {

  private final Duration firstDelay;
  private final Duration maxDelay;
  private final Duration horizon;
  private final long horizonMs;
  private final LongUnaryOperator randomBelow;

  /**
   * @param randomBelow returns a uniformly random value in {@code [0, bound)} for a bound
   *     {@code > 0}; tests pass a fixed one
   */
  public RetryBackoff(Duration firstDelay, Duration maxDelay, Duration horizon,
      LongUnaryOperator randomBelow) {
    if (firstDelay.toMillis() < 1 || maxDelay.compareTo(firstDelay) < 0 || horizon == null
        || horizon.isNegative()) {
      throw new IllegalArgumentException("retry backoff needs 1 ms <= first delay (" + firstDelay
          + ") <= max delay (" + maxDelay + ") and a horizon >= 0 (" + horizon + ")");
    }
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
    this.horizon = horizon;
    this.horizonMs = horizon.compareTo(NO_HORIZON) >= 0 ? Long.MAX_VALUE : horizon.toMillis();
    this.randomBelow = randomBelow;
  }

  /** A horizon so far away that retries never stop: for loops that must keep trying (replication). */
  public static final Duration NO_HORIZON = Duration.ofMillis(Long.MAX_VALUE);

  /** A random source for {@code randomBelow}: uniform in {@code [0, bound)}. */
  public static long randomBelow(long bound) {
    return java.util.concurrent.ThreadLocalRandom.current().nextLong(bound);
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
    long delay = delayMs(failedAttempts);
    return horizonMs - elapsedMs < delay ? -1 : delay;
  }

  /**
   * The delay after {@code failedAttempts} failures (1 or more), whatever the horizon: the step
   * {@code firstDelay × 2^(failedAttempts − 1)}, capped at {@code maxDelay}, of which the upper
   * half is random.
   */
  public long delayMs(int failedAttempts) {
    int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
    long step = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << doublings);
    long half = step / 2;
    return step - half + (half > 0 ? randomBelow.applyAsLong(half + 1) : 0);
  }
}
