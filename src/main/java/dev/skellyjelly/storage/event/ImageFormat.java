package dev.skellyjelly.storage.event;

/**
 * How a screenshot's bytes are laid out. Raw formats carry no header, so a screenshot in a raw
 * format must give its width and height; encoded formats carry their own.
 */
public enum ImageFormat {
  PNG(1),
  JPEG(2),
  /** 4 bytes per pixel, in the order red, green, blue, alpha; rows top to bottom. */
  RAW_RGBA(3),
  /** 4 bytes per pixel, in the order blue, green, red, alpha (what most OS capture APIs return). */
  RAW_BGRA(4);

  private final int wireCode;

  ImageFormat(int wireCode) {
    this.wireCode = wireCode;
  }

  /** The byte this format is written as in the wire encoding; never reorder or reuse. */
  public int wireCode() {
    return wireCode;
  }

  public boolean isRaw() {
    return this == RAW_RGBA || this == RAW_BGRA;
  }

  public static ImageFormat fromWireCode(int code) {
    for (ImageFormat f : values()) {
      if (f.wireCode == code) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown image format code " + code
        + " (known: 1 PNG, 2 JPEG, 3 RAW_RGBA, 4 RAW_BGRA)");
  }
}
