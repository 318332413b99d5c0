package dev.skellyjelly.storage.privacy;

import java.util.Locale;

/**
 * What kind of private information a masked region held. Only these words are recorded
 * ({@code screenshot_metadata.masked_kinds}), never the text itself.
 */
public enum PiiKind {
  EMAIL, PHONE, CARD, IBAN, IPV4, IPV6, SSN,
  /** A user pattern from {@code [privacy] mask_patterns}. */
  PATTERN,
  /** The whole screenshot: its app matched {@code [privacy] mask_apps}. */
  APP,
  /** The whole screenshot: its window title matched {@code [privacy] mask_titles}. */
  TITLE,
  /** The whole screenshot: masking failed, timed out or has no OCR engine (fail closed). */
  UNCHECKED;

  /** The word stored and printed, e.g. {@code email}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
