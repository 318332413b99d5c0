package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;

/** A filled box (margin included) and the kind of PII that caused it. */
public record MaskedRegion(Rectangle box, PiiKind kind) {

  public MaskedRegion {
    box = new Rectangle(box);
  }

  @Override
  public Rectangle box() {
    return new Rectangle(box);
  }
}
