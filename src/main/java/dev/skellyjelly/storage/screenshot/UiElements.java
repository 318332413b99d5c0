package dev.skellyjelly.storage.screenshot;

/**
 * UI element count by <b>connected rectangular regions</b>: buttons, panels, fields and tiles
 * are flat areas of one colour set off from what surrounds them. Pixels are grouped by quantised
 * colour (as for dominant colours); 4-connected components of equal colour are labelled by
 * flood fill; the background (the most common colour) is skipped; a component counts as an
 * element when it is big enough to be a control (not a glyph or an anti-aliased border) and
 * fills most of its bounding box, i.e. is rectangle-like.
 */
final class UiElements {
  private static final double MIN_FILL = 0.7;

  private UiElements() {
  }

  static int count(PixelGrid grid, AnalysisScratch scratch) {
    int w = grid.width;
    int h = grid.height;
    int n = w * h;
    int[] colour = scratch.colour(n);
    int[] population = new int[DominantColours.BUCKETS];
    for (int i = 0; i < n; i++) {
      colour[i] = DominantColours.bucket(grid.rgb[i]);
      population[colour[i]]++;
    }
    int background = 0;
    for (int b = 1; b < DominantColours.BUCKETS; b++) {
      if (population[b] > population[background]) {
        background = b;
      }
    }
    int minArea = Math.max(12, n / 2000);
    boolean[] seen = scratch.seen(n);
    int[] stack = scratch.stack(n);
    int elements = 0;
    for (int start = 0; start < n; start++) {
      if (seen[start] || colour[start] == background) {
        continue;
      }
      int c = colour[start];
      int top = 0;
      stack[top++] = start;
      seen[start] = true;
      int area = 0;
      int minX = w;
      int maxX = -1;
      int minY = h;
      int maxY = -1;
      while (top > 0) {
        int p = stack[--top];
        area++;
        int y = p / w;
        int x = p - y * w;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
        if (x > 0 && !seen[p - 1] && colour[p - 1] == c) {
          seen[p - 1] = true;
          stack[top++] = p - 1;
        }
        if (x < w - 1 && !seen[p + 1] && colour[p + 1] == c) {
          seen[p + 1] = true;
          stack[top++] = p + 1;
        }
        if (y > 0 && !seen[p - w] && colour[p - w] == c) {
          seen[p - w] = true;
          stack[top++] = p - w;
        }
        if (y < h - 1 && !seen[p + w] && colour[p + w] == c) {
          seen[p + w] = true;
          stack[top++] = p + w;
        }
      }
      long box = (long) (maxX - minX + 1) * (maxY - minY + 1);
      if (area >= minArea && area >= MIN_FILL * box) {
        elements++;
      }
    }
    return elements;
  }
}
