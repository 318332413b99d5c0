package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The retention deadlines: each screenshot due is handed out once, earliest first, none early. */
class DeadlineQueueTest {

  private static ScreenshotId id(int n) {
    return new ScreenshotId(new UUID(0, n));
  }

  @Test
  void dueIdsComeOutEarliestFirstAndOnlyOnceTheirDeadlineIsReached() {
    DeadlineQueue q = new DeadlineQueue();
    q.add(id(3), 300);
    q.add(id(1), 100);
    q.add(id(2), 200);
    assertEquals(List.of(), q.pollDue(99), "nothing before its time");
    assertEquals(List.of(id(1)), q.pollDue(100), "due at exactly its deadline");
    assertEquals(List.of(), q.pollDue(100), "handed out once");
    assertEquals(List.of(id(2), id(3)), q.pollDue(10_000), "everything overdue, earliest first");
    assertEquals(0, q.size());
  }

  @Test
  void aScreenshotAddedTwiceIsDueAtBothDeadlines() {
    DeadlineQueue q = new DeadlineQueue();
    q.add(id(1), 500);
    q.add(id(1), 200);
    assertEquals(List.of(id(1)), q.pollDue(200));
    assertEquals(1, q.size());
    assertEquals(List.of(id(1)), q.pollDue(500));
  }
}
