package dev.skellyjelly.storage.screenshot;

import java.util.List;

/**
 * What image analysis found in one screenshot. Width and height are the original dimensions.
 * When analysis failed, {@code failureReason} says why and the measures are empty.
 */
public record ImageAnalysisResult(int width, int height, double textDensity,
    List<DominantColor> dominantColors, int uiElementCount, String failureReason) {

  public ImageAnalysisResult {
    dominantColors = List.copyOf(dominantColors);
    if (textDensity < 0 || textDensity > 1) {
      throw new IllegalArgumentException("text density must be in [0, 1], got " + textDensity);
    }
  }

  public static ImageAnalysisResult failed(String reason, int width, int height) {
    return new ImageAnalysisResult(Math.max(0, width), Math.max(0, height), 0, List.of(), 0, reason);
  }

  public boolean analysisFailed() {
    return failureReason != null;
  }
}
