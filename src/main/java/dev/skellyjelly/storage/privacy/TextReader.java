package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;
import java.util.List;

/** Finds the words in parts of a greyscale image: the OCR engine, behind one method. */
public interface TextReader extends AutoCloseable {

  /**
   * The words inside {@code regions} of an 8-bit greyscale image of {@code width}×{@code height}
   * (row-major, one byte a pixel), with boxes in image coordinates. Blocking; may be called from
   * several threads at once.
   */
  List<OcrWord> read(byte[] grey, int width, int height, List<Rectangle> regions) throws OcrException;

  @Override
  void close();
}
