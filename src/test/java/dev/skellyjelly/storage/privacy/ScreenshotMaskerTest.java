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
