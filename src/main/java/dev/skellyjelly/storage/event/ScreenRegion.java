package dev.skellyjelly.storage.event;

/** The part of the screen a screenshot covers, in screen pixels. */
public record ScreenRegion(int x, int y, int width, int height) {
  public ScreenRegion {
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException(
          "screen region size must not be negative, got " + width + "x" + height);
    }
  }
}
