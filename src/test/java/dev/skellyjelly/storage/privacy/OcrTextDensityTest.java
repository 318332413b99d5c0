package dev.skellyjelly.storage.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Rectangle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text density from word boxes: the share of 8×8 tiles a word covers by half or more. */
class OcrTextDensityTest {

  private static OcrWord word(int x, int y, int w, int h) {
    return new OcrWord("word", new Rectangle(x, y, w, h));
  }

  @Test
  void noWordsIsNoText() {
    assertEquals(0.0, OcrTextDensity.of(List.of(), 80, 80));
    assertEquals(0.0, OcrTextDensity.of(List.of(word(0, 0, 5, 5)), 4, 4), "smaller than one tile");
  }

  @Test
  void aWordCountsTheTilesItCoversByHalfOrMore() {
    // 80×80 is 100 tiles. A 16×8 word on tile boundaries covers 2 of them.
    assertEquals(0.02, OcrTextDensity.of(List.of(word(8, 8, 16, 8)), 80, 80), 1e-12);
    // Shifted by 4 px it half-covers 3 tiles: 3 of them count.
    assertEquals(0.03, OcrTextDensity.of(List.of(word(12, 8, 16, 8)), 80, 80), 1e-12);
    // A thin underline-sized box (8×3) covers less than half of its tile: not text.
    assertEquals(0.0, OcrTextDensity.of(List.of(word(0, 0, 8, 3)), 80, 80));
  }

  @Test
  void overlappingWordsAndBoxesPastTheEdgeAreCountedOnce() {
    List<OcrWord> words = List.of(word(0, 0, 8, 8), word(0, 0, 8, 8), word(72, 72, 40, 40));
    assertEquals(0.02, OcrTextDensity.of(words, 80, 80), 1e-12);
    assertEquals(1.0, OcrTextDensity.of(List.of(word(-10, -10, 200, 200)), 80, 80), 1e-12);
  }
}
