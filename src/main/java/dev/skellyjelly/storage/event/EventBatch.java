package dev.skellyjelly.storage.event;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One closed window of events, as the Analysis Engine receives it on
 * {@code analysis.event-batches}. Start and end are wall-clock epoch microseconds; the window's
 * length was measured on the batcher's monotonic clock. Screenshots are not in {@code events};
 * their ids are in {@code screenshotRefs}, fetchable until the retention after the window closes.
 */
public record EventBatch(UUID windowId, long startMicros, long endMicros, List<RawEvent> events,
    List<ScreenshotId> screenshotRefs) {

  public EventBatch {
    Objects.requireNonNull(windowId, "window id must not be null");
    if (startMicros < 0 || endMicros < startMicros) {
      throw new IllegalArgumentException("window must have 0 <= start <= end, got start="
          + startMicros + " end=" + endMicros);
    }
    events = List.copyOf(events);
    screenshotRefs = List.copyOf(screenshotRefs);
  }
}
