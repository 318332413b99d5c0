package dev.skellyjelly.storage.event;

/** Which mouse button a click used. */
public enum MouseButton {
  LEFT, RIGHT, MIDDLE, BACK, FORWARD, OTHER;

  private static final MouseButton[] VALUES = values();

  public static MouseButton fromOrdinal(int ordinal) {
    if (ordinal < 0 || ordinal >= VALUES.length) {
      throw new IllegalArgumentException("unknown mouse button code " + ordinal);
    }
    return VALUES[ordinal];
  }
}
