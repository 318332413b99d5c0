package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;

/**
 * One word the OCR engine recognised, with its box in screenshot pixels and the engine's
 * confidence in it (0–100).
 */
public record OcrWord(String text, Rectangle box, float confidence) {

  public OcrWord {
    box = new Rectangle(box);
  }

  /** A word read with full confidence. */
  public OcrWord(String text, Rectangle box) {
    this(text, box, 100f);
  }

  @Override
  public Rectangle box() {
    return new Rectangle(box);
  }
}
