package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;
import java.util.List;

/**
 * Text density from the words OCR recognised: the share of the image's 8×8 tiles that a word box
 * covers by half or more. The same unit as the module's pixel estimate (the share of text-like
 * 8×8 tiles), so a screenshot that was masked carries a density measured on real words instead
 * of stroke edges — a toolbar full of icons no longer reads as text, a page of small print does.
 */
final class OcrTextDensity {

  static final int TILE = 8;

  private OcrTextDensity() {
  }

  static double of(List<OcrWord> words, int width, int height) {
    int cols = width / TILE;
    int rows = height / TILE;
    if (cols == 0 || rows == 0) {
      return 0;
    }
    int[] covered = new int[cols * rows];
    for (OcrWord word : words) {
      Rectangle box = word.box().intersection(new Rectangle(0, 0, cols * TILE, rows * TILE));
      if (box.isEmpty()) {
        continue;
      }
      for (int ty = box.y / TILE; ty <= (box.y + box.height - 1) / TILE; ty++) {
        for (int tx = box.x / TILE; tx <= (box.x + box.width - 1) / TILE; tx++) {
          Rectangle overlap = box.intersection(new Rectangle(tx * TILE, ty * TILE, TILE, TILE));
          covered[ty * cols + tx] += overlap.width * overlap.height;
        }
      }
    }
    int text = 0;
    for (int pixels : covered) {
      if (2 * pixels >= TILE * TILE) {
        text++;
      }
    }
    return text / (double) covered.length;
  }
}
