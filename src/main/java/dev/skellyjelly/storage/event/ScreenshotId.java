package dev.skellyjelly.storage.event;

import java.util.Objects;
import java.util.UUID;

/** Identity of one screenshot, chosen by the capture side so a retried screenshot keeps it. */
public record ScreenshotId(UUID value) {
  public ScreenshotId {
    Objects.requireNonNull(value, "screenshot id must not be null");
  }

  public static ScreenshotId random() {
    return new ScreenshotId(UUID.randomUUID());
  }

  public static ScreenshotId parse(String text) {
    try {
      return new ScreenshotId(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("screenshot id '" + text + "' is not a UUID", e);
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
