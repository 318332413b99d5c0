package dev.skellyjelly.storage.screenshot;

/** One dominant colour of a screenshot (0xRRGGBB) and the share of the image it covers. */
public record DominantColor(int rgb, double share) {
  public DominantColor {
    if (share < 0 || share > 1) {
      throw new IllegalArgumentException("colour share must be in [0, 1], got " + share);
    }
    rgb &= 0xFFFFFF;
  }

  /** The colour as {@code #rrggbb}. */
  public String hex() {
    return String.format("#%06x", rgb);
  }
}
