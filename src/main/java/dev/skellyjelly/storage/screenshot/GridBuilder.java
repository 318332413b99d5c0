package dev.skellyjelly.storage.screenshot;

/**
 * Box-averages an image, fed row by row, into a {@link PixelGrid} of at most {@code maxSide}
 * cells a side. When a cell spans several pixels each way, every other pixel row and column of
 * it is read: the average of a flat area or of a stroke texture is the same, and a 5 MB
 * screenshot is a quarter of the memory traffic. Rows come in order, from raw bytes or from a
 * PNG's unfiltered rows alike; alpha is ignored (screenshots are opaque).
 */
final class GridBuilder {

  private final int width;
  private final int height;
  private final int step;
  private final int sample;
  private final int gw;
  private final int gh;
  private final int[] rgb;
  private final int[] sumR;
  private final int[] sumG;
  private final int[] sumB;
  /** Pixels read per row in each cell column; and rows read so far in the current cell row. */
  private final int[] perRow;
  private int rowsRead;

  GridBuilder(int width, int height, int maxSide, AnalysisScratch scratch) {
    this.width = width;
    this.height = height;
    this.step = PixelGrid.step(width, height, maxSide);
    this.sample = step >= 2 ? 2 : 1;
    this.gw = (width + step - 1) / step;
    this.gh = (height + step - 1) / step;
    this.rgb = scratch.rgb(gw * gh);
    this.sumR = new int[gw];
    this.sumG = new int[gw];
    this.sumB = new int[gw];
    this.perRow = new int[gw];
    for (int c = 0; c < gw; c++) {
      perRow[c] = (Math.min(width, (c + 1) * step) - c * step + sample - 1) / sample;
    }
  }

  /** Whether row {@code y} is read; {@link #add} must still be called for every row. */
  boolean reads(int y) {
    return (y % step) % sample == 0;
  }

  /**
   * Row {@code y}: its pixels start at {@code offset} in {@code src}, {@code bpp} bytes each,
   * red at {@code rOff}, green at 1 and blue at {@code bOff} within a pixel.
   */
  void add(int y, byte[] src, int offset, int bpp, int rOff, int bOff) {
    if (reads(y)) {
      int jump = bpp * sample;
      for (int c = 0; c < gw; c++) {
        int x0 = c * step;
        int x1 = Math.min(width, x0 + step);
        int r = 0;
        int g = 0;
        int b = 0;
        int i = offset + x0 * bpp;
        for (int x = x0; x < x1; x += sample, i += jump) {
          r += src[i + rOff] & 0xFF;
          g += src[i + 1] & 0xFF;
          b += src[i + bOff] & 0xFF;
        }
        sumR[c] += r;
        sumG[c] += g;
        sumB[c] += b;
      }
      rowsRead++;
    }
    if (y % step == step - 1 || y == height - 1) {
      int base = (y / step) * gw;
      for (int c = 0; c < gw; c++) {
        int k = perRow[c] * rowsRead;
        rgb[base + c] = (sumR[c] / k) << 16 | (sumG[c] / k) << 8 | (sumB[c] / k);
        sumR[c] = sumG[c] = sumB[c] = 0;
      }
      rowsRead = 0;
    }
  }

  /** The grid, once every row was added; it shares the scratch's array. */
  PixelGrid grid() {
    return new PixelGrid(gw, gh, rgb);
  }
}
