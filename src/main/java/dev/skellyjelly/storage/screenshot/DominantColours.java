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
  private DominantColours() {
  }

  static int bucket(int rgb) {
    return ((rgb >> 20) & 0xF) << 8 | ((rgb >> 12) & 0xF) << 4 | ((rgb >> 4) & 0xF);
  }

  static List<DominantColor> of(PixelGrid grid, int count) {
    long[] population = new long[4096];
    long[] sumR = new long[4096];
    long[] sumG = new long[4096];
    long[] sumB = new long[4096];
    int cells = grid.cells();
    for (int i = 0; i < cells; i++) {
      int p = grid.rgb[i];
      int b = bucket(p);
      population[b]++;
      sumR[b] += (p >> 16) & 0xFF;
      sumG[b] += (p >> 8) & 0xFF;
      sumB[b] += p & 0xFF;
    }
    List<DominantColor> out = new ArrayList<>(count);
    boolean[] taken = new boolean[4096];
    for (int k = 0; k < count; k++) {
      int best = -1;
      for (int b = 0; b < 4096; b++) {
        if (!taken[b] && population[b] > 0 && (best < 0 || population[b] > population[best])) {
          best = b;
        }
      }
      if (best < 0) {
        break;
      }
      taken[best] = true;
      long n = population[best];
      int rgb = (int) (sumR[best] / n) << 16 | (int) (sumG[best] / n) << 8 | (int) (sumB[best] / n);
      out.add(new DominantColor(rgb, (double) n / cells));
    }
    return out;
  }
}
