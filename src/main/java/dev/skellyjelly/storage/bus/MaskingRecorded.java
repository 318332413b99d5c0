package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.ScreenshotId;

import java.util.Objects;

/**
 * Screenshot handler → writer: what masking found in one screenshot, for
 * {@code screenshot_metadata.masked_regions} and {@code masked_kinds} (never the text), and the
 * text density measured on the words OCR read, which replaces the pixel estimate in
 * {@code text_density} ({@code null} when OCR did not run: the estimate stays).
 */
public record MaskingRecorded(ScreenshotId id, int regions, String kinds, Double textDensity) {

  public MaskingRecorded {
    Objects.requireNonNull(id, "screenshot id");
    Objects.requireNonNull(kinds, "kinds");
  }
}
