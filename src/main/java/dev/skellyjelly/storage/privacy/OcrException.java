package dev.skellyjelly.storage.privacy;

/** The OCR engine is missing or failed; the screenshot is then masked whole (fail closed). */
public final class OcrException extends Exception {

  public OcrException(String message) {
    super(message);
  }

  public OcrException(String message, Throwable cause) {
    super(message, cause);
  }
}
