package dev.skellyjelly.storage.screenshot;

import java.util.Arrays;

/**
 * The working arrays of one analysis (grid, luminance, edge map, colour buckets and their
 * statistics, flood-fill stack), kept between screenshots and grown to the largest grid seen (at most 512 × 512 cells,
 * about 4.5 MB). A fresh set per screenshot meant several arrays of half a megabyte or more each
 * time: under the module's 256 MB heap G1 treats each as a humongous object, and their churn
 * started a concurrent GC cycle every few screenshots. The arrays are longer than a smaller grid
 * needs: readers stop at the grid's cell count. Not thread-safe: one analysis at a time uses it.
 */
final class AnalysisScratch {

  private int[] rgb = new int[0];
  private int[] luminance = new int[0];
  private int[] colour = new int[0];
  private int[] stack = new int[0];
  private boolean[] edge = new boolean[0];
  private boolean[] seen = new boolean[0];
  private final int[] colourStats = new int[4 * DominantColours.BUCKETS];

  /** Packed 0xRRGGBB cells of the grid being built; every cell is written by its builder. */
  int[] rgb(int cells) {
    rgb = atLeast(rgb, cells);
    return rgb;
  }

  /** Luminance per cell; every cell is written by its user. */
  int[] luminance(int cells) {
    luminance = atLeast(luminance, cells);
    return luminance;
  }

  /** Colour bucket per cell; every cell is written by its user. */
  int[] colour(int cells) {
    colour = atLeast(colour, cells);
    return colour;
  }

  /** A stack as deep as the grid has cells. */
  int[] stack(int cells) {
    stack = atLeast(stack, cells);
    return stack;
  }

  /** Edge flag per cell; every cell is written by its user. */
  boolean[] edge(int cells) {
    if (edge.length < cells) {
      edge = new boolean[cells];
    }
    return edge;
  }

  /** Visited flag per cell, all false. */
  boolean[] seen(int cells) {
    if (seen.length < cells) {
      seen = new boolean[cells];
    } else {
      Arrays.fill(seen, 0, cells, false);
    }
    return seen;
  }

  /** Four counters per colour bucket ({@link DominantColours}), all zero. */
  int[] colourStats() {
    Arrays.fill(colourStats, 0);
    return colourStats;
  }

  private static int[] atLeast(int[] array, int cells) {
    return array.length < cells ? new int[cells] : array;
  }
}
