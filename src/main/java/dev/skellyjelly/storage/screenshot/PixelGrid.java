package dev.skellyjelly.storage.screenshot;

/**
 * A screenshot reduced to at most {@code maxSide} pixels on its longer side, as packed 0xRRGGBB
 * ints. Every analysis runs on this grid: the answers (colour shares, edge density per tile,
 * rectangle counts) are ratios that do not change when the image is shrunk by box averaging,
 * while the work stays the same for a 5 MB screenshot as for a thumbnail.
 */
final class PixelGrid {
  final int width;
  final int height;
  final int[] rgb;

  PixelGrid(int width, int height, int[] rgb) {
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /** How many source pixels one grid cell covers along each side. */
  static int step(int width, int height, int maxSide) {
    return Math.max(1, (Math.max(width, height) + maxSide - 1) / maxSide);
  }

  /**
   * Box-averages raw 4-byte pixels. {@code redFirst} is RGBA order, otherwise BGRA; alpha is
   * ignored (screenshots are opaque).
   */
  static PixelGrid fromRaw(byte[] data, int width, int height, boolean redFirst, int maxSide) {
    int step = step(width, height, maxSide);
    int gw = (width + step - 1) / step;
    int gh = (height + step - 1) / step;
    long[] r = new long[gw * gh];
    long[] g = new long[gw * gh];
    long[] b = new long[gw * gh];
    int[] n = new int[gw * gh];
    int rOff = redFirst ? 0 : 2;
    int bOff = redFirst ? 2 : 0;
    for (int y = 0; y < height; y++) {
      int row = (y / step) * gw;
      int i = y * width * 4;
      for (int x = 0; x < width; x++, i += 4) {
        int cell = row + x / step;
        r[cell] += data[i + rOff] & 0xFF;
        g[cell] += data[i + 1] & 0xFF;
        b[cell] += data[i + bOff] & 0xFF;
        n[cell]++;
      }
    }
    int[] rgb = new int[gw * gh];
    for (int c = 0; c < rgb.length; c++) {
      int count = n[c];
      rgb[c] = (int) (r[c] / count) << 16 | (int) (g[c] / count) << 8 | (int) (b[c] / count);
    }
    return new PixelGrid(gw, gh, rgb);
  }

  /** Luminance 0..255 of every cell (Rec. 601 weights). */
  int[] luminance() {
    int[] lum = new int[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      lum[i] = (299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000;
    }
    return lum;
  }
}
