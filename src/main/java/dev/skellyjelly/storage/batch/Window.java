package dev.skellyjelly.storage.batch;

import dev.skellyjelly.storage.bus.WindowRecord;

import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.event.SequenceRanges;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One open window: its events in arrival order, its screenshot ids, and when it opened. */
final class Window {
  private final UUID id = UUID.randomUUID();
  private final long startWallMicros;
  private final long startMonotonicNanos;
  private final List<RawEvent> events;
  private final List<ScreenshotId> screenshots = new ArrayList<>();

  Window(long startWallMicros, long startMonotonicNanos, int expectedEvents) {
    this.startWallMicros = startWallMicros;
    this.startMonotonicNanos = startMonotonicNanos;
    this.events = new ArrayList<>(Math.min(expectedEvents, 1024));
  }

  UUID id() {
    return id;
  }

  int size() {
    return events.size();
  }

  boolean isEmpty() {
    return events.isEmpty() && screenshots.isEmpty();
  }

  void add(RawEvent e) {
    events.add(e);
  }

  void addScreenshot(ScreenshotId id) {
    screenshots.add(id);
  }

  /** The end is measured on the monotonic clock, so a wall-clock jump cannot distort a window. */
  EventBatch close(long nowMonotonicNanos) {
    long end = startWallMicros + Math.max(0, (nowMonotonicNanos - startMonotonicNanos) / 1_000);
    return new EventBatch(id, startWallMicros, end, events, screenshots);
  }

  static WindowRecord record(EventBatch batch) {
    Map<UUID, SequenceRanges> members = new LinkedHashMap<>();
    for (RawEvent e : batch.events()) {
      members.computeIfAbsent(e.sessionId(), s -> new SequenceRanges()).add(e.sequence());
    }
    return new WindowRecord(batch.windowId(), batch.startMicros(), batch.endMicros(),
        batch.events().size(), members, batch.screenshotRefs());
  }
}
