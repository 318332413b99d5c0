package dev.skellyjelly.storage.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.event.ImageFormat;
import java.awt.Rectangle;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The masking core with a scripted OCR engine: what is filled, in which format, and failures. */
class ScreenshotMaskerTest {

  private static final int W = 200;
  private static final int H = 60;

  /** A reader that "recognises" fixed words, or fails. */
  private static TextReader reading(List<OcrWord> words, boolean fail) {
    return new TextReader() {
      @Override
      public List<OcrWord> read(byte[] grey, int width, int height, List<Rectangle> regions)
          throws OcrException {
        if (fail) {
          throw new OcrException("engine crashed");
        }
        return words;
      }

      @Override
      public void close() {
      }
    };
  }

  private static byte[] greyRgba() {
    byte[] raw = new byte[4 * W * H];
    Arrays.fill(raw, (byte) 0x80);
    return raw;
  }

  private static boolean black(byte[] rgba, int x, int y) {
    int i = 4 * (y * W + x);
    return rgba[i] == 0 && rgba[i + 1] == 0 && rgba[i + 2] == 0 && rgba[i + 3] == (byte) 0xFF;
  }

  private static final MaskRules RULES = new MaskRules(List.of(), List.of(), List.of());

  @Test
  void theWordsOfAMatchAreFilledWithTheMarginAndNothingElse() {
    List<OcrWord> words = List.of(
        new OcrWord("call", new Rectangle(10, 20, 30, 12)),
        new OcrWord("+44", new Rectangle(45, 20, 25, 12)),
        new OcrWord("20", new Rectangle(74, 20, 15, 12)),
        new OcrWord("7946", new Rectangle(93, 20, 30, 12)),
        new OcrWord("0958", new Rectangle(127, 20, 30, 12)));
    byte[] raw = greyRgba();
    MaskResult r = new ScreenshotMasker(RULES, reading(words, false), null, 3)
        .mask(raw, ImageFormat.RAW_RGBA, W, H, "app", "title");
    assertEquals(ImageFormat.RAW_RGBA, r.format(), "raw stays raw");
    assertEquals(Set.of(PiiKind.PHONE), r.kinds());
    assertEquals(1, r.regionCount(), "one box over the words of the number, gaps included");
    assertTrue(black(r.data(), 42, 17), "margin above-left of +44");
    assertTrue(black(r.data(), 159, 34), "margin below-right of 0958");
    assertFalse(black(r.data(), 20, 25), "'call' stays");
    assertTrue(black(r.data(), 72, 25), "the gap between +44 and 20");
    assertFalse(black(r.data(), 170, 25), "right of the margin stays");
    assertEquals((byte) 0x80, raw[0], "the held original is never changed");
    // One line of words across most of a 200×60 image: a few tenths of its 175 tiles at most.
    assertEquals(OcrTextDensity.of(words, W, H), r.textDensity(), 1e-12);
    assertTrue(r.textDensity() > 0.05 && r.textDensity() < 0.25, "density " + r.textDensity());
  }

  @Test
  void aLineOcrWasUnsureOfIsReadAgainAtTwiceTheSizeAndItsMatchMasked() {
    // First read: the IBAN's check digits misread, the word unsure; nothing matches.
    List<OcrWord> first = List.of(
        new OcrWord("DE9@", new Rectangle(10, 20, 30, 12), 41f),
        new OcrWord("7583", new Rectangle(45, 20, 30, 12), 90f),
        new OcrWord("9321", new Rectangle(80, 20, 30, 12), 90f),
        new OcrWord("4463", new Rectangle(115, 20, 30, 12), 90f),
        new OcrWord("0613", new Rectangle(150, 20, 30, 12), 90f),
        new OcrWord("88", new Rectangle(185, 20, 12, 12), 90f));
    List<Rectangle> secondRegions = new java.util.ArrayList<>();
    List<Integer> secondSizes = new java.util.ArrayList<>();
    TextReader reader = new TextReader() {
      int calls;

      @Override
      public List<OcrWord> read(byte[] grey, int width, int height, List<Rectangle> regions) {
        if (calls++ == 0) {
          return first;
        }
        secondRegions.addAll(regions);
        secondSizes.add(width);
        secondSizes.add(height);
        // The line again, in the upscaled crop's pixels (the crop starts 4 px before the line).
        return List.of(new OcrWord("DE90", new Rectangle(8, 8, 60, 24), 95f),
            new OcrWord("7583", new Rectangle(78, 8, 60, 24), 95f),
            new OcrWord("9321", new Rectangle(148, 8, 60, 24), 95f),
            new OcrWord("4463", new Rectangle(218, 8, 60, 24), 95f),
            new OcrWord("0613", new Rectangle(288, 8, 60, 24), 95f),
            new OcrWord("88", new Rectangle(358, 8, 24, 24), 95f));
      }

      @Override
      public void close() {
      }
    };
    MaskResult r = new ScreenshotMasker(RULES, reader, null, 0)
        .mask(greyRgba(), ImageFormat.RAW_RGBA, W, H, "app", "title");
    // The digits matched as a card at once; the unsure "DE9@" beside them was read again.
    assertEquals(Set.of(PiiKind.IBAN, PiiKind.CARD), r.kinds());
    // The line's box (10..197 × 20..31) grown by 4 px, clipped to the 200 px wide image, at 2×.
    assertEquals(List.of(2 * (200 - 6), 2 * 20), secondSizes);
    assertEquals(List.of(new Rectangle(0, 0, 2 * 194, 2 * 20)), secondRegions);
    Rectangle box = r.regions().stream().filter(g -> g.kind() == PiiKind.IBAN).findFirst().orElseThrow().box();
    assertEquals(new Rectangle(10, 20, 187, 12), box, "mapped back to screenshot pixels");
    assertTrue(black(r.data(), 100, 25) && !black(r.data(), 100, 40));
  }

  @Test
  void upscalingKeepsTheImageAndDoublesItsSize() {
    byte[] grey = {0, (byte) 200, 0, (byte) 200};
    byte[] up = SecondRead.upscale(grey, 2, new Rectangle(0, 0, 2, 2));
    assertEquals(16, up.length);
    assertEquals(0, up[0] & 0xFF, "corner kept");
    assertEquals(200, up[3] & 0xFF, "corner kept");
    assertEquals(50, up[1] & 0xFF, "a quarter of the way");
    assertEquals(150, up[2] & 0xFF, "three quarters of the way");
  }

  @Test
  void nothingFoundHandsBackTheOriginalBytes() {
    byte[] raw = greyRgba();
    MaskResult r = new ScreenshotMasker(RULES, reading(List.of(
        new OcrWord("weekly", new Rectangle(5, 5, 40, 12))), false), null, 3)
        .mask(raw, ImageFormat.RAW_BGRA, W, H, "app", "title");
    assertArrayEquals(raw, r.data());
    assertEquals(0, r.regionCount());
    assertFalse(r.whole());
  }

  @Test
  void ocrFailureAndNoEngineAndBadBytesFillEverything() {
    MaskResult failed = new ScreenshotMasker(RULES, reading(List.of(), true), null, 3)
        .mask(greyRgba(), ImageFormat.RAW_RGBA, W, H, "app", "title");
    MaskResult none = new ScreenshotMasker(RULES, null, "no OCR engine: not installed", 3)
        .mask(greyRgba(), ImageFormat.RAW_RGBA, W, H, "app", "title");
    MaskResult bad = new ScreenshotMasker(RULES, reading(List.of(), false), null, 3)
        .mask(new byte[10], ImageFormat.RAW_RGBA, W, H, "app", "title");
    for (MaskResult r : List.of(failed, none, bad)) {
      assertTrue(r.whole());
      assertEquals(null, r.textDensity(), "no words read, no density: the pixel estimate stays");
      assertEquals(Set.of(PiiKind.UNCHECKED), r.kinds());
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          assertTrue(black(r.data(), x, y), r.failure() + " at " + x + "," + y);
        }
      }
    }
    assertTrue(failed.failure().contains("engine crashed"), failed.failure());
    assertTrue(none.failure().contains("not installed"), none.failure());
    assertTrue(bad.failure().contains("could not be decoded"), bad.failure());
  }

  @Test
  void aRawPlanIsFilledIntoACopyAtEachFetch() throws Exception {
    byte[] raw = greyRgba();
    MaskResult r = new ScreenshotMasker(RULES, reading(List.of(
        new OcrWord("jane@example.com", new Rectangle(10, 10, 80, 12))), false), null, 0)
        .mask(raw, ImageFormat.RAW_RGBA, W, H, "app", "title");
    MaskResult again = ScreenshotMasker.apply(r.plan(), raw);
    assertArrayEquals(r.data(), again.data());
    assertEquals("email", again.kindLabels());
  }
}
