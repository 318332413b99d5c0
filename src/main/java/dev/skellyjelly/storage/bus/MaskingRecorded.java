package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.ScreenshotId;

import java.util.Objects;

/**
 * Screenshot handler → writer: what masking found in one screenshot, for
 * {@code screenshot_metadata.masked_regions} and {@code masked_kinds} (never the text).
 */
public record MaskingRecorded(ScreenshotId id, int regions, String kinds) {

  public MaskingRecorded {
    Objects.requireNonNull(id, "screenshot id");
    Objects.requireNonNull(kinds, "kinds");
  }
}
