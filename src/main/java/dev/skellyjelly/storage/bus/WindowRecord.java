package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.event.SequenceRanges;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A closed window as the database records it (DESIGN decision 7): enough to re-materialise the
 * same {@code EventBatch} later — which sequence numbers of which sessions it held.
 */
public record WindowRecord(UUID windowId, long startMicros, long endMicros, int eventCount,
    Map<UUID, SequenceRanges> members, List<ScreenshotId> screenshotRefs) {
  public WindowRecord {
    members = Map.copyOf(members);
    screenshotRefs = List.copyOf(screenshotRefs);
  }
}
