package dev.skellyjelly.storage.privacy;

/** A span {@code [start, end)} of a line of text that holds PII of one kind. */
public record PiiMatch(int start, int end, PiiKind kind) {

  public PiiMatch {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("a match needs 0 <= start < end, got " + start + ".." + end);
    }
  }
}
