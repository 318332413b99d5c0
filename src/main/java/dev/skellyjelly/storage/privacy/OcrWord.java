package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;

/** One word the OCR engine recognised, with its box in screenshot pixels. */
public record OcrWord(String text, Rectangle box) {

  public OcrWord {
    box = new Rectangle(box);
  }

  @Override
  public Rectangle box() {
    return new Rectangle(box);
  }
}
