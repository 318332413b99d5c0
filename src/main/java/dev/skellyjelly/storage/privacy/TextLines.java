package dev.skellyjelly.storage.privacy;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups recognised words into lines of text by their boxes, since sparse-text segmentation
 * reports words in no reliable line order: a word joins a line when it overlaps the line's
 * middle vertically and starts within a few character heights of the line's last word. A
 * line's text is its words joined by single spaces; {@link Line#wordsCovering} maps a span of
 * that text back to the pixels that hold it.
 */
final class TextLines {

  /** One line: its words left to right, and where each starts in {@link #text()}. */
  record Line(List<OcrWord> words, String text, int[] starts) {

    /**
     * One box around the words that hold any character of {@code [start, end)}, gaps between them
     * included (a glyph OCR dropped between two words of a match is still in it); {@code null} if
     * none.
     */
    Rectangle wordsCovering(int start, int end) {
      Rectangle box = null;
      for (int i = 0; i < words.size(); i++) {
        int wordStart = starts[i];
        int wordEnd = wordStart + words.get(i).text().length();
        if (wordStart < end && start < wordEnd) {
          box = box == null ? words.get(i).box() : box.union(words.get(i).box());
        }
      }
      return box;
    }
  }

  private TextLines() {
  }

  static List<Line> group(List<OcrWord> words) {
    List<OcrWord> sorted = new ArrayList<>(words);
    sorted.sort(Comparator.comparingInt((OcrWord w) -> w.box().x));
    List<List<OcrWord>> lines = new ArrayList<>();
    for (OcrWord w : sorted) {
      List<OcrWord> home = null;
      for (List<OcrWord> line : lines) {
        if (continues(line.get(line.size() - 1), w)) {
          home = line;
          break;
        }
      }
      if (home == null) {
        home = new ArrayList<>();
        lines.add(home);
      }
      home.add(w);
    }
    List<Line> result = new ArrayList<>(lines.size());
    for (List<OcrWord> line : lines) {
      StringBuilder text = new StringBuilder();
      int[] starts = new int[line.size()];
      for (int i = 0; i < line.size(); i++) {
        if (i > 0) {
          text.append(' ');
        }
        starts[i] = text.length();
        text.append(line.get(i).text());
      }
      result.add(new Line(List.copyOf(line), text.toString(), starts));
    }
    return result;
  }

  /** {@code next} is on the same line as {@code last} and close enough after it. */
  private static boolean continues(OcrWord last, OcrWord next) {
    Rectangle a = last.box();
    Rectangle b = next.box();
    int height = Math.max(a.height, b.height);
    double middleA = a.y + a.height / 2.0;
    double middleB = b.y + b.height / 2.0;
    boolean sameRow = Math.abs(middleA - middleB) < 0.5 * Math.min(a.height, b.height) + 1;
    // Words come sorted by x; their boxes may overlap when OCR split a word around a glyph it
    // could not read (2001:db8:8dd6: | :8eb4:1eb8), so only the gap after a word is bounded.
    int gap = b.x - (a.x + a.width);
    return sameRow && gap < 3 * height;
  }
}
