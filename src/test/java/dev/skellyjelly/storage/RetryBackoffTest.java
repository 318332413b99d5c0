package dev.skellyjelly.storage;

import dev.skellyjelly.storage.retry.RetryBackoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

  private static RetryBackoff backoff(long randomPick) {
    return new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10),
        bound -> Math.min(randomPick, bound - 1));
  }

  @Test
  void delaysDoubleUpToTheCapWithHalfOfEachStepRandom() {
    RetryBackoff none = backoff(0);
    RetryBackoff all = backoff(Long.MAX_VALUE);
    long[] steps = {100, 200, 400, 800, 1600, 2000, 2000};
    for (int i = 0; i < steps.length; i++) {
      assertEquals(steps[i] / 2, none.nextDelayMs(i + 1, 0), "lowest after failure " + (i + 1));
      assertEquals(steps[i], all.nextDelayMs(i + 1, 0), "highest after failure " + (i + 1));
    }
    assertEquals(1000, none.nextDelayMs(1_000, 0), "no overflow after many failures");
  }

  @Test
  void noRetryStartsPastTheHorizon() {
    RetryBackoff b = backoff(Long.MAX_VALUE);
    assertEquals(2000, b.nextDelayMs(9, 8_000));
    assertEquals(-1, b.nextDelayMs(9, 8_001));
    assertEquals(-1, new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO,
        bound -> 0).nextDelayMs(1, 0), "a zero horizon never retries");
  }

  @Test
  void nonsensicalSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofSeconds(10), b -> 0));
    assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ZERO,
        Duration.ofSeconds(1), Duration.ofSeconds(10), b -> 0));
  }
}
