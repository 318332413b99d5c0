package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a screenshot may hold text, so that OCR reads only there. The image is cut into 16×16
 * tiles; a tile is inked when at least two of its rows each cross two or more sharp luminance
 * steps (glyph strokes; a flat panel or a single straight border never does). Inked tiles are
 * joined with their neighbours up to one tile above or below and three sideways (the gaps
 * between words) into
 * connected blocks, whose boxes — with a margin, so no glyph is cut — are the regions. When the
 * regions cover most of the screen, the whole screen is one region (fewer, larger OCR calls).
 */
final class TextRegions {

  static final int TILE = 16;
  private static final int STEP = 40;
  private static final int MARGIN = 6;
  private static final double WHOLE_SCREEN_SHARE = 0.6;

  private TextRegions() {
  }

  static List<Rectangle> find(byte[] grey, int width, int height) {
    int tw = (width + TILE - 1) / TILE;
    int th = (height + TILE - 1) / TILE;
    boolean[] inked = new boolean[tw * th];
    for (int ty = 0; ty < th; ty++) {
      for (int tx = 0; tx < tw; tx++) {
        inked[ty * tw + tx] = inked(grey, width, height, tx * TILE, ty * TILE);
      }
    }
    List<Rectangle> regions = blocks(inked, tw, th, width, height);
    long area = 0;
    for (Rectangle r : regions) {
      area += (long) r.width * r.height;
    }
    if (area > WHOLE_SCREEN_SHARE * width * height) {
      return List.of(new Rectangle(0, 0, width, height));
    }
    return regions;
  }

  private static boolean inked(byte[] grey, int width, int height, int x0, int y0) {
    int rows = 0;
    for (int y = y0, yEnd = Math.min(height, y0 + TILE); y < yEnd; y++) {
      int steps = 0;
      int row = y * width;
      for (int x = x0 + 1, xEnd = Math.min(width, x0 + TILE); x < xEnd; x++) {
        if (Math.abs((grey[row + x] & 0xFF) - (grey[row + x - 1] & 0xFF)) > STEP) {
          steps++;
        }
      }
      if (steps >= 2 && ++rows >= 2) {
        return true;
      }
    }
    return false;
  }

  /** Connected blocks of inked tiles (joined across small gaps), as pixel boxes. */
  private static List<Rectangle> blocks(boolean[] inked, int tw, int th, int width, int height) {
    int[] label = new int[tw * th];
    int[] stack = new int[tw * th];
    List<Rectangle> regions = new ArrayList<>();
    int next = 0;
    for (int start = 0; start < inked.length; start++) {
      if (!inked[start] || label[start] != 0) {
        continue;
      }
      next++;
      int top = 0;
      stack[top++] = start;
      label[start] = next;
      int minX = tw;
      int maxX = -1;
      int minY = th;
      int maxY = -1;
      while (top > 0) {
        int t = stack[--top];
        int x = t % tw;
        int y = t / tw;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -3; dx <= 3; dx++) {
            int nx = x + dx;
            int ny = y + dy;
            if (nx >= 0 && ny >= 0 && nx < tw && ny < th) {
              int n = ny * tw + nx;
              if (inked[n] && label[n] == 0) {
                label[n] = next;
                stack[top++] = n;
              }
            }
          }
        }
      }
      int x0 = Math.max(0, minX * TILE - MARGIN);
      int y0 = Math.max(0, minY * TILE - MARGIN);
      int x1 = Math.min(width, (maxX + 1) * TILE + MARGIN);
      int y1 = Math.min(height, (maxY + 1) * TILE + MARGIN);
      regions.add(new Rectangle(x0, y0, x1 - x0, y1 - y0));
    }
    return regions;
  }
}
