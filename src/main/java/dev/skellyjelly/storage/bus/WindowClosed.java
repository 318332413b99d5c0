package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.List;
import java.util.UUID;

/** Notice that a window closed: screenshot retention counts from {@code closedAtMicros}. */
public record WindowClosed(UUID windowId, long closedAtMicros, List<ScreenshotId> screenshotRefs) {
  public WindowClosed {
    screenshotRefs = List.copyOf(screenshotRefs);
  }
}
