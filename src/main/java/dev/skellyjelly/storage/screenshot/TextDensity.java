package dev.skellyjelly.storage.screenshot;

import java.util.Arrays;

/**
 * Text density by <b>stroke-edge density in tiles</b>: text is many short, high-contrast strokes
 * crossing each other in every direction, while UI chrome is long straight edges and photos are
 * soft gradients. The luminance gradient (central differences) marks edge pixels; the image is
 * cut into 8×8 tiles; a tile is text-like when its edge pixels are neither rare nor solid (a band
 * typical of glyphs) and at least two of its rows are crossed by two or more separate edge runs —
 * which a single straight border or a rectangle's corner never is. The density is the share of
 * text-like tiles: 0 for a blank screen, high for a page of prose.
 */
final class TextDensity {
  private static final int TILE = 8;
  private static final int EDGE_THRESHOLD = 40;

  private TextDensity() {
  }

  static double of(PixelGrid grid, AnalysisScratch scratch) {
    int w = grid.width;
    int h = grid.height;
    if (w < 3 || h < 3) {
      return 0;
    }
    int[] lum = grid.luminance(scratch.luminance(grid.cells()));
    boolean[] edge = scratch.edge(grid.cells());
    // The border has no central difference: no edge there (the array is reused, so say so).
    Arrays.fill(edge, 0, w, false);
    Arrays.fill(edge, (h - 1) * w, h * w, false);
    for (int y = 1; y < h - 1; y++) {
      int row = y * w;
      edge[row] = false;
      edge[row + w - 1] = false;
      for (int i = row + 1; i < row + w - 1; i++) {
        int gx = Math.abs(lum[i + 1] - lum[i - 1]);
        int gy = Math.abs(lum[i + w] - lum[i - w]);
        edge[i] = gx + gy > EDGE_THRESHOLD;
      }
    }
    int tiles = 0;
    int textTiles = 0;
    for (int ty = 0; ty + TILE <= h; ty += TILE) {
      for (int tx = 0; tx + TILE <= w; tx += TILE) {
        tiles++;
        if (isTextLike(edge, w, tx, ty)) {
          textTiles++;
        }
      }
    }
    return tiles == 0 ? 0 : (double) textTiles / tiles;
  }

  private static boolean isTextLike(boolean[] edge, int w, int tx, int ty) {
    int edges = 0;
    int rowsWithSeveralRuns = 0;
    for (int y = ty; y < ty + TILE; y++) {
      int runs = 0;
      boolean inRun = false;
      for (int x = tx; x < tx + TILE; x++) {
        boolean e = edge[y * w + x];
        if (e) {
          edges++;
          if (!inRun) {
            runs++;
          }
        }
        inRun = e;
      }
      if (runs >= 2) {
        rowsWithSeveralRuns++;
      }
    }
    double density = edges / (double) (TILE * TILE);
    return density >= 0.12 && density <= 0.75 && rowsWithSeveralRuns >= 2;
  }
}
