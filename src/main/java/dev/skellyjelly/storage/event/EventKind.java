package dev.skellyjelly.storage.event;

/** The seven kinds of raw event, each with the type byte it has in the wire encoding. */
public enum EventKind {
  KEYSTROKE(1),
  MOUSE_MOVE(2),
  MOUSE_CLICK(3),
  WINDOW_FOCUS(4),
  SCREENSHOT(5),
  PROCESS_START(6),
  RESOURCE_USAGE(7);

  private static final EventKind[] BY_CODE = new EventKind[8];

  static {
    for (EventKind k : values()) {
      BY_CODE[k.code] = k;
    }
  }

  private final int code;

  EventKind(int code) {
    this.code = code;
  }

  /** The type byte on the wire and in the database; never reorder or reuse. */
  public int code() {
    return code;
  }

  /** The bit of this kind in a block's type mask. */
  public int maskBit() {
    return 1 << code;
  }

  /** The kind with this type byte, or {@code null} if no kind has it. */
  public static EventKind fromCode(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** The kind whose lower-case name (e.g. {@code mouse_move}) is given, for query parameters. */
  public static EventKind fromName(String name) {
    for (EventKind k : values()) {
      if (k.name().equalsIgnoreCase(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown event type '" + name + "'; known: "
        + java.util.Arrays.toString(values()).toLowerCase(java.util.Locale.ROOT));
  }
}
