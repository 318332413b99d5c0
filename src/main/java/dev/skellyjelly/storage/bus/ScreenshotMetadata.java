package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of {@code screenshot_metadata}: what is kept of a screenshot after its bytes are
 * deleted. Analysis fields are {@code null} when analysis failed; {@code analysisError} then
 * says why.
 */
public record ScreenshotMetadata(ScreenshotId id, long timestampMicros, UUID sessionId,
    long sequence, String windowTitle, String appName, ScreenRegion region, int width, int height,
    ImageFormat format, long sizeBytes, ScreenshotStorage storage, Double textDensity,
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

  /**
   * The one JSON shape of a screenshot's metadata: a fetch on {@code storage.screenshots.get}
   * adds its bytes to it, a {@code storage.query} of screenshots lists it as rows.
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("timestampMicros", timestampMicros)
        .put("sessionId", sessionId.toString())
        .put("sequence", sequence)
        .put("windowTitle", windowTitle)
        .put("appName", appName)
        .put("region", new JsonObject().put("x", region.x()).put("y", region.y())
            .put("width", region.width()).put("height", region.height()))
        .put("width", width)
        .put("height", height)
        .put("format", format.name())
        .put("sizeBytes", sizeBytes)
        .put("storage", storage.label())
        .put("textDensity", textDensity)
        .put("uiElementCount", uiElementCount)
        .put("dominantColors", new JsonArray(new ArrayList<Object>(dominantColors)))
        .put("privacyMasked", privacyMasked)
        .put("analysisError", analysisError);
  }
}
