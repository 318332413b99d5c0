package dev.skellyjelly.storage.privacy;

/**
 * A line of recognised text as OCR most likely meant it, with each character mapped back to the
 * original: spaces OCR inserts after {@code . : @ -} or before {@code . : @ - ,} are dropped
 * ("2001: db8: f2b0", "jane. doe @ x.org", "245 -39-1142"), as is a comma read before a dot
 * between digits ("14,.15.232.20"), and in tokens holding digits the letters OCR confuses
 * with them are read as digits (O→0, I/l/|→1: "DEO5" → "DE05"; in a token with colons an
 * apostrophe or backquote, a zero's remains, →0). Classifiers run on both the
 * original and this variant, so a slip costs nothing that the checksums would not catch.
 */
record OcrVariant(String text, int[] origin) {

  static OcrVariant of(String line) {
    StringBuilder text = new StringBuilder(line.length());
    int[] origin = new int[line.length()];
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ' && i > 0 && i + 1 < line.length()
          && (isJoiner(line.charAt(i - 1)) || isJoiner(line.charAt(i + 1)) || line.charAt(i + 1) == ',')) {
        continue;
      }
      // A dot read twice, as a comma and a dot, between digits: "14,.15.232.20".
      if (c == ',' && i > 0 && i + 1 < line.length() && Character.isDigit(line.charAt(i - 1))
          && line.charAt(i + 1) == '.') {
        continue;
      }
      origin[text.length()] = i;
      text.append(c);
    }
    // Digit confusions, token by token.
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        readDigits(text, start, i);
        start = i + 1;
      }
    }
    return new OcrVariant(text.toString(), java.util.Arrays.copyOf(origin, text.length()));
  }

  private static boolean isJoiner(char c) {
    return c == '.' || c == ':' || c == '@' || c == '-';
  }

  private static void readDigits(StringBuilder text, int from, int to) {
    boolean digits = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      digits |= c >= '0' && c <= '9';
      if (c == '@') {
        return; // an e-mail address: its letters are letters
      }
    }
    if (!digits) {
      return;
    }
    // In an address with colons a small terminal-font zero loses its body: "f2b'" for "f2b0".
    boolean colons = text.substring(from, to).indexOf(':') >= 0;
    for (int i = from; i < to; i++) {
      switch (text.charAt(i)) {
        case 'O', 'o' -> text.setCharAt(i, '0');
        case 'I', 'l', '|' -> text.setCharAt(i, '1');
        case '\'', '`' -> {
          if (colons) {
            text.setCharAt(i, '0');
          }
        }
        default -> { }
      }
    }
  }

  /** The span of the original line that {@code [start, end)} of this variant came from. */
  PiiMatch toOriginal(PiiMatch m) {
    return new PiiMatch(origin[m.start()], origin[m.end() - 1] + 1, m.kind());
  }
}
