package dev.skellyjelly.storage.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
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
    assertEquals(2000, all.delayMs(Integer.MAX_VALUE), "never past the cap");
  }

  @Test
  void jitterStaysWithinTheUpperHalfOfTheStepAndSpreadsOverIt() {
    Random random = new Random(42);
    RetryBackoff b = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10),
        bound -> Math.floorMod(random.nextLong(), bound));
    long lowest = Long.MAX_VALUE;
    long highest = 0;
    for (int i = 0; i < 2_000; i++) {
      long d = b.delayMs(4); // step 800 ms
      assertTrue(d >= 400 && d <= 800, d + " ms is outside [400, 800]");
      lowest = Math.min(lowest, d);
      highest = Math.max(highest, d);
    }
    assertTrue(lowest < 420 && highest > 780, "senders spread over the whole half: " + lowest + ".." + highest);
  }

  @Test
  void noRetryStartsPastTheHorizon() {
    RetryBackoff b = backoff(Long.MAX_VALUE);
    assertEquals(2000, b.nextDelayMs(9, 8_000), "the retry starts exactly at the horizon: allowed");
    assertEquals(-1, b.nextDelayMs(9, 8_001));
    assertEquals(-1, new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO,
        bound -> 0).nextDelayMs(1, 0), "a zero horizon never retries");
  }

  @Test
  void withoutAHorizonRetriesNeverStop() {
    RetryBackoff b = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10), RetryBackoff.NO_HORIZON,
        bound -> bound - 1);
    assertEquals(10_000, b.nextDelayMs(50, Long.MAX_VALUE / 2));
  }

  @Test
  void nonsensicalSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofSeconds(10), b -> 0));
    assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ZERO,
        Duration.ofSeconds(1), Duration.ofSeconds(10), b -> 0));
    assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ofMillis(1),
        Duration.ofSeconds(1), Duration.ofSeconds(-1), b -> 0));
  }
}
