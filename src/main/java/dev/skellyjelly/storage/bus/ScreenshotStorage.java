package dev.skellyjelly.storage.bus;

/**
 * Where a screenshot's bytes were kept for their retention, as recorded in its metadata row
 * ({@code screenshot_metadata.storage}) and in the JSON of fetches and queries.
 */
public enum ScreenshotStorage {
  /** Below {@code screenshot_memory_threshold_mb}: in the byte-bounded memory cache. */
  MEMORY("memory"),
  /** At or above the threshold: in a private temp file (600 in a 700 directory). */
  DISK("disk"),
  /** At or above the threshold while the disk guard said space was low: not kept at all. */
  NOT_KEPT_LOW_DISK("not-kept-low-disk");

  private final String label;

  ScreenshotStorage(String label) {
    this.label = label;
  }

  /** The word stored in the database and shown in JSON. */
  public String label() {
    return label;
  }

  /** The value for a stored {@link #label()}; an unknown word names the ones known. */
  public static ScreenshotStorage fromLabel(String label) {
    for (ScreenshotStorage s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown screenshot storage '" + label
        + "' (memory, disk, not-kept-low-disk)");
  }
}
