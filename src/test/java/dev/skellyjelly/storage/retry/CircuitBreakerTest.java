package dev.skellyjelly.storage.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breaker's states on an injected clock and random source. */
class CircuitBreakerTest {

  /** Jitter at its top: every delay is the full step. */
  private static RetryBackoff fullSteps(long firstMs, long maxMs) {
    return new RetryBackoff(Duration.ofMillis(firstMs), Duration.ofMillis(maxMs), RetryBackoff.NO_HORIZON,
        bound -> bound - 1);
  }

  @Test
  void opensAtTheThresholdLetsOneProbeThroughAndStaysOpenLongerAfterAFailedProbe() {
    CircuitBreaker breaker = new CircuitBreaker(5, fullSteps(10, 350));
    for (int i = 0; i < 4; i++) {
      assertTrue(breaker.tryAcquire(0));
      breaker.onFailure(0);
    }
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "four failures stay under the threshold");
    assertEquals(160, breaker.onFailure(0), "the fifth: 10 ms doubled four times");
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertFalse(breaker.tryAcquire(159));
    assertEquals(1, breaker.waitMs(159));
    assertTrue(breaker.tryAcquire(160), "the open period is over: this attempt is the probe");
    assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
    assertFalse(breaker.tryAcquire(160), "only one probe at a time");
    assertEquals(0, breaker.waitMs(160), "nothing to wait for but the probe's answer");
    assertEquals(320, breaker.onFailure(160), "the probe failed: open twice as long");
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertFalse(breaker.tryAcquire(479));
    assertTrue(breaker.tryAcquire(480));
    assertEquals(350, breaker.onFailure(480), "capped");
    assertFalse(breaker.tryAcquire(829));
    assertTrue(breaker.tryAcquire(830));
    breaker.onSuccess();
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(0, breaker.failuresInARow());
    breaker.onFailure(900);
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "a success resets the count");
  }

  @Test
  void failuresOfAttemptsSentBeforeItOpenedDoNotProlongTheOpenPeriod() {
    CircuitBreaker breaker = new CircuitBreaker(2, fullSteps(100, 10_000));
    breaker.onFailure(0);
    assertEquals(200, breaker.onFailure(0));
    for (int i = 0; i < 10; i++) {
      breaker.onFailure(50); // in flight when it opened
    }
    assertTrue(breaker.tryAcquire(200), "still opens at 200 ms");
  }

  /** Replication's use: three failures open it; every failure says how long to wait, jittered. */
  @Test
  void replicationBacksOffWithJitterAndProbesAfterThreeFailures() {
    List<Long> picks = new ArrayList<>(List.of(0L, 500L, 500L, 2000L));
    CircuitBreaker b = new CircuitBreaker(3, new RetryBackoff(Duration.ofMillis(500),
        Duration.ofMillis(4_000), RetryBackoff.NO_HORIZON, bound -> Math.min(picks.remove(0), bound - 1)));
    assertEquals(250, b.onFailure(0), "lowest jitter: half of 500 ms");
    assertEquals(CircuitBreaker.State.CLOSED, b.state());
    assertTrue(b.tryAcquire(0), "closed: attempts go");
    assertEquals(1000, b.onFailure(0), "doubling: all of 1 s");
    assertEquals(1500, b.onFailure(0), "three quarters of 2 s");
    assertEquals(CircuitBreaker.State.OPEN, b.state());
    assertEquals(2, b.state().ordinal(), "the replication gauge reads 2 for open");
    assertFalse(b.tryAcquire(1499), "open: wait");
    assertTrue(b.tryAcquire(1500), "then one half-open probe");
    assertEquals(1, b.state().ordinal());
    assertEquals(4000, b.onFailure(1500), "the probe failed: open again, 4 s (the ceiling)");
    assertFalse(b.tryAcquire(5499));
    b.onSuccess();
    assertEquals(0, b.state().ordinal());
    assertTrue(b.tryAcquire(5499));
  }

  @Test
  void aThresholdBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0, fullSteps(1, 1)));
  }
}
