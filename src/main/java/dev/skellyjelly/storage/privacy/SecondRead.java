package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads again, at twice the size, the lines where OCR was unsure of a word that holds digits and
 * no match covers it. Small terminal and mail fonts are where Tesseract misreads a digit or a colon
 * ("2001:db8:bfO 494d" for 2001:db8:bf05::494d, "DE9@" for DE90), and what it misreads there
 * is exactly what the checksums and layouts then fail to recognise; an upscaled line reads much
 * better. Only such lines are read again, so the cost stays a small part of a screenshot's OCR.
 */
final class SecondRead {

  /** Below this word confidence (Tesseract's 0–100) a line holding digits is read again. */
  static final float UNSURE = 80f;
  /** Upscaling factor of the second read. */
  static final int SCALE = 2;
  /** Pixels around a line's box, so glyphs cut at its edge are read whole. */
  private static final int PAD = 4;

  private SecondRead() {
  }

  /**
   * A line holding a word with a digit that OCR read with low confidence and no match covers
   * (a misread IBAN's digits may still match as a card while its country code stays unmasked).
   */
  static boolean wanted(TextLines.Line line, List<PiiMatch> matches) {
    for (int i = 0; i < line.words().size(); i++) {
      OcrWord w = line.words().get(i);
      int start = line.starts()[i];
      int end = start + w.text().length();
      boolean covered = matches.stream().anyMatch(m -> m.start() <= start && end <= m.end());
      if (!covered && w.confidence() < UNSURE && w.text().chars().anyMatch(Character::isDigit)) {
        return true;
      }
    }
    return false;
  }

  /** The words of {@code lines} read again from {@code grey} at {@link #SCALE}×, in screenshot pixels. */
  static List<OcrWord> read(TextReader reader, ScreenshotPixels pixels, byte[] grey,
      List<TextLines.Line> lines) throws OcrException {
    List<OcrWord> words = new ArrayList<>();
    for (TextLines.Line line : lines) {
      Rectangle box = null;
      for (OcrWord w : line.words()) {
        box = box == null ? w.box() : box.union(w.box());
      }
      box.grow(PAD, PAD);
      box = box.intersection(new Rectangle(0, 0, pixels.width(), pixels.height()));
      if (box.isEmpty()) {
        continue;
      }
      byte[] scaled = upscale(grey, pixels.width(), box);
      int sw = box.width * SCALE;
      int sh = box.height * SCALE;
      for (OcrWord w : reader.read(scaled, sw, sh, List.of(new Rectangle(0, 0, sw, sh)))) {
        Rectangle b = w.box();
        words.add(new OcrWord(w.text(), new Rectangle(box.x + b.x / SCALE, box.y + b.y / SCALE,
            (b.width + SCALE - 1) / SCALE, (b.height + SCALE - 1) / SCALE), w.confidence()));
      }
    }
    return words;
  }

  /** {@code box} of a grey image, bilinearly scaled by {@link #SCALE}. */
  static byte[] upscale(byte[] grey, int width, Rectangle box) {
    int sw = box.width * SCALE;
    int sh = box.height * SCALE;
    byte[] out = new byte[sw * sh];
    for (int y = 0; y < sh; y++) {
      double fy = Math.max(0, (y + 0.5) / SCALE - 0.5);
      int y0 = Math.min((int) fy, box.height - 1);
      int y1 = Math.min(y0 + 1, box.height - 1);
      double wy = fy - y0;
      for (int x = 0; x < sw; x++) {
        double fx = Math.max(0, (x + 0.5) / SCALE - 0.5);
        int x0 = Math.min((int) fx, box.width - 1);
        int x1 = Math.min(x0 + 1, box.width - 1);
        double wx = fx - x0;
        double top = (1 - wx) * at(grey, width, box, x0, y0) + wx * at(grey, width, box, x1, y0);
        double bottom = (1 - wx) * at(grey, width, box, x0, y1) + wx * at(grey, width, box, x1, y1);
        out[y * sw + x] = (byte) Math.round((1 - wy) * top + wy * bottom);
      }
    }
    return out;
  }

  private static int at(byte[] grey, int width, Rectangle box, int x, int y) {
    return grey[(box.y + y) * width + box.x + x] & 0xFF;
  }
}
