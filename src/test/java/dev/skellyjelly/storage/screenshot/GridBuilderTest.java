package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GridBuilderTest {

  /** Random BGRA pixels. */
  private static byte[] bgra(int w, int h, long seed) {
    byte[] data = new byte[w * h * 4];
    new SplittableRandom(seed).nextBytes(data);
    return data;
  }

  /**
   * The reference: each cell is the mean of its pixels whose offsets from the cell's corner are
   * both even when it spans more than one pixel a side (every pixel otherwise), computed pixel by
   * pixel with no row bookkeeping.
   */
  private static int[] reference(byte[] bgra, int w, int h, int maxSide) {
    int step = PixelGrid.step(w, h, maxSide);
    int sample = step >= 2 ? 2 : 1;
    int gw = (w + step - 1) / step;
    int gh = (h + step - 1) / step;
    int[] out = new int[gw * gh];
    for (int cy = 0; cy < gh; cy++) {
      for (int cx = 0; cx < gw; cx++) {
        long r = 0;
        long g = 0;
        long b = 0;
        int n = 0;
        for (int y = cy * step; y < Math.min(h, (cy + 1) * step); y += sample) {
          for (int x = cx * step; x < Math.min(w, (cx + 1) * step); x += sample) {
            int i = (y * w + x) * 4;
            b += bgra[i] & 0xFF;
            g += bgra[i + 1] & 0xFF;
            r += bgra[i + 2] & 0xFF;
            n++;
          }
        }
        out[cy * gw + cx] = (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}x{1} into at most {2} a side")
  @CsvSource({"17,9,64", "100,60,50", "101,61,50", "1280,1024,512", "97,203,40", "5,3,16"})
  void averagesEachCellLikeThePixelByPixelReference(int w, int h, int maxSide) {
    byte[] data = bgra(w, h, w * 31L + h);
    int[] expected = reference(data, w, h, maxSide);
    PixelGrid grid = PixelGrid.fromRaw(data, w, h, false, maxSide, new AnalysisScratch());
    assertEquals(expected.length, grid.cells());
    assertArrayEquals(expected, Arrays.copyOf(grid.rgb, grid.cells()));
  }

  @ParameterizedTest(name = "{0}x{1} after a bigger grid")
  @CsvSource({"17,9,64", "101,61,50"})
  void aReusedScratchGivesTheSameGrid(int w, int h, int maxSide) {
    AnalysisScratch scratch = new AnalysisScratch();
    PixelGrid.fromRaw(bgra(1280, 1024, 1), 1280, 1024, false, 512, scratch);
    byte[] data = bgra(w, h, 2);
    PixelGrid grid = PixelGrid.fromRaw(data, w, h, false, maxSide, scratch);
    assertArrayEquals(reference(data, w, h, maxSide), Arrays.copyOf(grid.rgb, grid.cells()));
  }
}
