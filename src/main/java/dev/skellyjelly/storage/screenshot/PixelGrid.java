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
   * ignored (screenshots are opaque). When a cell spans several pixels each way, every other
   * pixel row and column of it is read: the average of a flat area or a stroke texture is the
   * same, and a 5 MB screenshot is a quarter of the memory traffic.
   */
  static PixelGrid fromRaw(byte[] data, int width, int height, boolean redFirst, int maxSide) {
    int step = step(width, height, maxSide);
    int stride = step >= 2 ? 2 : 1;
    int gw = (width + step - 1) / step;
    int gh = (height + step - 1) / step;
    int rOff = redFirst ? 0 : 2;
    int bOff = redFirst ? 2 : 0;
    int[] rgb = new int[gw * gh];
    for (int cy = 0; cy < gh; cy++) {
      int y1 = Math.min(height, (cy + 1) * step);
      for (int cx = 0; cx < gw; cx++) {
        int x0 = cx * step;
        int x1 = Math.min(width, x0 + step);
        int r = 0;
        int g = 0;
        int b = 0;
        int n = 0;
        for (int y = cy * step; y < y1; y += stride) {
          for (int i = (y * width + x0) * 4, end = (y * width + x1) * 4; i < end; i += 4 * stride) {
            r += data[i + rOff] & 0xFF;
            g += data[i + 1] & 0xFF;
            b += data[i + bOff] & 0xFF;
            n++;
          }
        }
        rgb[cy * gw + cx] = (r / n) << 16 | (g / n) << 8 | (b / n);
      }
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
