package dev.skellyjelly.storage.screenshot;

/**
 * A screenshot reduced to at most {@code maxSide} pixels on its longer side, as packed 0xRRGGBB
 * ints. Every analysis runs on this grid: the answers (colour shares, edge density per tile,
 * rectangle counts) are ratios that do not change when the image is shrunk by box averaging,
 * while the work stays the same for a 5 MB screenshot as for a thumbnail. {@code rgb} may be a
 * reused array longer than the grid: its first {@link #cells()} entries are the grid.
 */
final class PixelGrid {
  final int width;
  final int height;
  final int[] rgb;

  PixelGrid(int width, int height, int[] rgb) {
    if (rgb.length < width * height) {
      throw new IllegalArgumentException(width + "x" + height + " grid needs " + width * height
          + " cells, got " + rgb.length);
    }
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /** How many source pixels one grid cell covers along each side. */
  static int step(int width, int height, int maxSide) {
    return Math.max(1, (Math.max(width, height) + maxSide - 1) / maxSide);
  }

  int cells() {
    return width * height;
  }

  /**
   * Box-averages raw 4-byte pixels ({@link GridBuilder}) straight from the bytes, reading only
   * the rows the grid samples. {@code redFirst} is RGBA order, otherwise BGRA.
   */
  static PixelGrid fromRaw(byte[] data, int width, int height, boolean redFirst, int maxSide,
      AnalysisScratch scratch) {
    GridBuilder builder = new GridBuilder(width, height, maxSide, scratch);
    int rOff = redFirst ? 0 : 2;
    int bOff = redFirst ? 2 : 0;
    for (int y = 0; y < height; y++) {
      builder.add(y, data, y * width * 4, 4, rOff, bOff);
    }
    return builder.grid();
  }

  /** Luminance 0..255 of every cell (Rec. 601 weights), into {@code into}. */
  int[] luminance(int[] into) {
    for (int i = 0, n = cells(); i < n; i++) {
      int p = rgb[i];
      into[i] = (299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000;
    }
    return into;
  }
}
