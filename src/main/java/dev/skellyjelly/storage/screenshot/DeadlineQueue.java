package dev.skellyjelly.storage.screenshot;

import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * When each screenshot must be gone, earliest first. Caffeine's expiry is lazy and no deadline;
 * this queue, swept by the verticle's timer, is what keeps the retention promise.
 */
final class DeadlineQueue {

  private record Deadline(ScreenshotId id, long dueMicros) {
  }

  private final PriorityQueue<Deadline> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueMicros, b.dueMicros));

  void add(ScreenshotId id, long dueMicros) {
    queue.add(new Deadline(id, dueMicros));
  }

  /** Removes and returns every id whose deadline is at or before {@code nowMicros}. */
  List<ScreenshotId> pollDue(long nowMicros) {
    List<ScreenshotId> due = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().dueMicros <= nowMicros) {
      due.add(queue.poll().id);
    }
    return due;
  }

  /** The earliest deadline, or {@link Long#MAX_VALUE} when none is pending. */
  long nextDueMicros() {
    return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().dueMicros;
  }

  int size() {
    return queue.size();
  }
}
