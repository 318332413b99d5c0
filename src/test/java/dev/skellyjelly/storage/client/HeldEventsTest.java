package dev.skellyjelly.storage.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client's bound on what it holds: refusals counted, one drain call per episode, empty waiters. */
class HeldEventsTest {

  @Test
  void refusesPastTheEventBoundAndCountsEachRefusal() {
    HeldEvents held = new HeldEvents(3, 1_000_000);
    assertTrue(held.tryHold(10));
    assertTrue(held.tryHold(10));
    assertTrue(held.tryHold(10));
    assertTrue(held.full());
    assertFalse(held.tryHold(10));
    assertFalse(held.tryHold(10));
    assertEquals(2, held.refused());
    assertEquals(3, held.events());
    assertEquals(30, held.bytes());
  }

  @Test
  void oneEventLargerThanTheByteBoundStillFitsAnEmptyClient() {
    HeldEvents held = new HeldEvents(100, 1_000);
    assertTrue(held.tryHold(5_000), "nothing else could ever send it");
    assertFalse(held.tryHold(1), "but nothing joins it past the bound");
    assertEquals(1, held.refused());
  }

  @Test
  void drainHandlerHearsOncePerEpisodeWhenHalfTheRoomIsBack() {
    HeldEvents held = new HeldEvents(4, 1_000_000);
    AtomicInteger drained = new AtomicInteger();
    held.drainHandler(v -> drained.incrementAndGet());
    for (int i = 0; i < 4; i++) {
      held.tryHold(1);
    }
    assertFalse(held.tryHold(1));
    held.release(1, 1).run();
    assertEquals(0, drained.get(), "3 of 4 held: more than half");
    held.release(1, 1).run();
    assertEquals(1, drained.get(), "2 of 4 held: half the room is back");
    held.release(1, 1).run();
    assertEquals(1, drained.get(), "once per episode");
    held.release(1, 1).run();
    assertEquals(1, drained.get());
    assertEquals(0, held.events());
  }

  @Test
  void whenEmptyCompletesOnceTheLastFrameIsReleased() {
    HeldEvents held = new HeldEvents(10, 1_000_000);
    assertTrue(held.whenEmpty().succeeded(), "nothing held");
    held.tryHold(5);
    held.tryHold(5);
    Future<Void> empty = held.whenEmpty();
    held.release(1, 5).run();
    assertFalse(empty.isComplete());
    held.release(1, 5).run();
    assertTrue(empty.succeeded());
  }
}
