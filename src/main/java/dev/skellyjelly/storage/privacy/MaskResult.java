package dev.skellyjelly.storage.privacy;

import dev.skellyjelly.storage.event.ImageFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A screenshot as it may leave the module: {@code data} in {@code format} (raw stays raw; PNG and
 * JPEG come back as PNG, so nothing is re-compressed lossily around a mask), the boxes filled,
 * the kinds found. {@code whole} when the entire image is filled — by an app/title rule, or
 * because masking failed ({@code failure} says why), timed out or has no OCR engine.
 * A <em>plan</em> has no {@code data}: the regions to fill in a raw screenshot's held bytes at
 * each fetch, so that a masked copy of megabytes is not kept beside the original.
 * {@code textDensity} is measured on the recognised words ({@link OcrTextDensity}), or
 * {@code null} when OCR did not run.
 */
public record MaskResult(byte[] data, ImageFormat format, int width, int height,
    List<MaskedRegion> regions, Set<PiiKind> kinds, boolean whole, String failure, Double textDensity) {

  public MaskResult {
    regions = List.copyOf(regions);
    kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
  }

  /** This result without its bytes, to be applied again to a raw screenshot's bytes. */
  public MaskResult plan() {
    return new MaskResult(null, format, width, height, regions, kinds, whole, failure, textDensity);
  }

  MaskResult withData(byte[] bytes) {
    return new MaskResult(bytes, format, width, height, regions, kinds, whole, failure, textDensity);
  }

  /** The kinds as stored in {@code masked_kinds}: labels in enum order, comma-separated. */
  public String kindLabels() {
    return String.join(",", sortedLabels());
  }

  /**
   * What was masked, for the fetch reply and {@code mask-screenshot}: region count, kinds, the
   * boxes with their kind, whether the whole image was filled and why, the text density of the
   * recognised words. Never the text.
   */
  public JsonObject toJson() {
    JsonArray boxes = new JsonArray();
    for (MaskedRegion r : regions) {
      boxes.add(new JsonObject().put("x", r.box().x).put("y", r.box().y)
          .put("width", r.box().width).put("height", r.box().height).put("kind", r.kind().label()));
    }
    return new JsonObject().put("regions", regionCount())
        .put("kinds", new JsonArray(sortedLabels()))
        .put("whole", whole).put("failure", failure).put("boxes", boxes).put("textDensity", textDensity);
  }

  private List<String> sortedLabels() {
    EnumSet<PiiKind> sorted = EnumSet.noneOf(PiiKind.class);
    sorted.addAll(kinds);
    return sorted.stream().map(PiiKind::label).toList();
  }

  /** How many regions were filled; a whole-screen fill counts as one. */
  public int regionCount() {
    return whole ? 1 : regions.size();
  }
}
