package dev.skellyjelly.storage.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The breaker's states on an injected clock. */
class SendBreakerTest {

  @Test
  void opensAfterTheThresholdLetsOneProbeThroughAndDoublesItsOpenPeriod() {
    SendBreaker breaker = new SendBreaker(3, 100, 350);
    for (int i = 0; i < 2; i++) {
      assertTrue(breaker.tryAcquire(0));
      breaker.failure(0);
    }
    assertEquals(SendBreaker.State.CLOSED, breaker.state(), "two failures stay under the threshold");
    breaker.failure(0);
    assertEquals(SendBreaker.State.OPEN, breaker.state());
    assertFalse(breaker.tryAcquire(99));
    assertEquals(1, breaker.waitMs(99));
    assertTrue(breaker.tryAcquire(100), "the open period is over: this retry is the probe");
    assertEquals(SendBreaker.State.HALF_OPEN, breaker.state());
    assertFalse(breaker.tryAcquire(100), "only one probe at a time");
    breaker.failure(100);
    assertEquals(SendBreaker.State.OPEN, breaker.state());
    assertFalse(breaker.tryAcquire(299));
    assertTrue(breaker.tryAcquire(300), "open twice as long after a failed probe");
    breaker.failure(300);
    assertFalse(breaker.tryAcquire(649));
    assertTrue(breaker.tryAcquire(650), "capped at 350 ms");
    breaker.success();
    assertEquals(SendBreaker.State.CLOSED, breaker.state());
    breaker.failure(700);
    assertEquals(SendBreaker.State.CLOSED, breaker.state(), "a success resets the count");
  }
}
