package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of {@code screenshot_metadata}: what is kept of a screenshot after its bytes are
 * deleted. Analysis fields are {@code null} when analysis failed; {@code analysisError} then
 * says why. {@code storage} is {@code memory} or {@code disk}.
 */
public record ScreenshotMetadata(ScreenshotId id, long timestampMicros, UUID sessionId,
    long sequence, String windowTitle, String appName, ScreenRegion region, int width, int height,
    ImageFormat format, long sizeBytes, String storage, Double textDensity,
    Integer uiElementCount, List<String> dominantColors, boolean privacyMasked,
    String analysisError) {

  public ScreenshotMetadata {
    Objects.requireNonNull(id, "screenshot id");
    Objects.requireNonNull(sessionId, "session id");
    Objects.requireNonNull(windowTitle, "window title");
    Objects.requireNonNull(appName, "app name");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(storage, "storage");
    dominantColors = dominantColors == null ? List.of() : List.copyOf(dominantColors);
  }
}
