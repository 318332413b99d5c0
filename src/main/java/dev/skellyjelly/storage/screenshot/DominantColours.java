package dev.skellyjelly.storage.screenshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Dominant colours by <b>uniform colour quantisation</b>: every pixel falls into one of 4,096
 * buckets (the top 4 bits of red, green and blue); the most populated buckets are the dominant
 * colours, each reported as the mean of the pixels in it, with its share of the image. Coarse
 * buckets make near-identical shades (anti-aliasing, JPEG noise) count as one colour; the mean
 * keeps the reported colour exact for flat UI areas. Shares are ratios, so downscaling does not
 * move them beyond the blur at region borders.
 */
final class DominantColours {
  /** Quantised colours: 4 bits each of red, green and blue. */
  static final int BUCKETS = 4096;

  private DominantColours() {
  }

  static int bucket(int rgb) {
    return ((rgb >> 20) & 0xF) << 8 | ((rgb >> 12) & 0xF) << 4 | ((rgb >> 4) & 0xF);
  }

  static List<DominantColor> of(PixelGrid grid, int count, AnalysisScratch scratch) {
    // Per bucket: population, then the sums of red, green and blue (ints: at most 512 × 512 × 255).
    int[] stats = scratch.colourStats();
    int cells = grid.cells();
    for (int i = 0; i < cells; i++) {
      int p = grid.rgb[i];
      int b = bucket(p);
      stats[b]++;
      stats[BUCKETS + b] += (p >> 16) & 0xFF;
      stats[2 * BUCKETS + b] += (p >> 8) & 0xFF;
      stats[3 * BUCKETS + b] += p & 0xFF;
    }
    List<DominantColor> out = new ArrayList<>(count);
    boolean[] taken = new boolean[BUCKETS];
    for (int k = 0; k < count; k++) {
      int best = -1;
      for (int b = 0; b < BUCKETS; b++) {
        if (!taken[b] && stats[b] > 0 && (best < 0 || stats[b] > stats[best])) {
          best = b;
        }
      }
      if (best < 0) {
        break;
      }
      taken[best] = true;
      int n = stats[best];
      int rgb = (stats[BUCKETS + best] / n) << 16 | (stats[2 * BUCKETS + best] / n) << 8
          | (stats[3 * BUCKETS + best] / n);
      out.add(new DominantColor(rgb, (double) n / cells));
    }
    return out;
  }
}
