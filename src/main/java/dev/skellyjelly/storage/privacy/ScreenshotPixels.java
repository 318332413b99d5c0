package dev.skellyjelly.storage.privacy;

import dev.skellyjelly.storage.event.ImageFormat;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A screenshot at full size, to be read by OCR and filled. Raw RGBA/BGRA stays in its own bytes
 * (a copy is filled, so the held original never changes); PNG and JPEG are decoded to RGB and
 * written back as PNG.
 */
final class ScreenshotPixels {

  private final ImageFormat format;
  private final int width;
  private final int height;
  private final byte[] raw;
  private final int[] rgb;

  private ScreenshotPixels(ImageFormat format, int width, int height, byte[] raw, int[] rgb) {
    this.format = format;
    this.width = width;
    this.height = height;
    this.raw = raw;
    this.rgb = rgb;
  }

  static ScreenshotPixels decode(byte[] data, ImageFormat format, int width, int height)
      throws IOException {
    if (format.isRaw()) {
      if (width <= 0 || height <= 0 || data.length != 4L * width * height) {
        throw new IOException("raw " + format + " data is " + data.length + " bytes, which is not"
            + " 4 x " + width + " x " + height);
      }
      return new ScreenshotPixels(format, width, height, data.clone(), null);
    }
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
    if (image == null) {
      throw new IOException(format + " data could not be decoded");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    return new ScreenshotPixels(format, w, h, null, image.getRGB(0, 0, w, h, null, 0, w));
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /** The format {@link #encode()} writes: raw formats stay, the others become PNG. */
  ImageFormat outputFormat() {
    return format.isRaw() ? format : ImageFormat.PNG;
  }

  /** Luminance (Rec. 601) of every pixel, one byte each, row-major. */
  byte[] grey() {
    byte[] grey = new byte[width * height];
    if (raw != null) {
      int r = format == ImageFormat.RAW_RGBA ? 0 : 2;
      int b = 2 - r;
      for (int i = 0, p = 0; i < grey.length; i++, p += 4) {
        grey[i] = (byte) ((299 * (raw[p + r] & 0xFF) + 587 * (raw[p + 1] & 0xFF)
            + 114 * (raw[p + b] & 0xFF)) / 1000);
      }
    } else {
      for (int i = 0; i < grey.length; i++) {
        int p = rgb[i];
        grey[i] = (byte) ((299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000);
      }
    }
    return grey;
  }

  /** Fills {@code box} (clipped to the image) with opaque black. */
  void fill(Rectangle box) {
    Rectangle r = box.intersection(new Rectangle(0, 0, width, height));
    for (int y = r.y; y < r.y + r.height; y++) {
      for (int x = r.x; x < r.x + r.width; x++) {
        int i = y * width + x;
        if (raw != null) {
          raw[4 * i] = 0;
          raw[4 * i + 1] = 0;
          raw[4 * i + 2] = 0;
          raw[4 * i + 3] = (byte) 0xFF;
        } else {
          rgb[i] = 0;
        }
      }
    }
  }

  byte[] encode() {
    return raw != null ? raw : PngWriter.write(rgb, width, height);
  }

  /** An image of the given size and format filled entirely: what a fetch gets when in doubt. */
  static byte[] solid(ImageFormat format, int width, int height) {
    if (format.isRaw()) {
      byte[] raw = new byte[4 * width * height];
      for (int i = 3; i < raw.length; i += 4) {
        raw[i] = (byte) 0xFF;
      }
      return raw;
    }
    return PngWriter.write(new int[width * height], width, height);
  }
}
