package dev.skellyjelly.storage.privacy;

import dev.skellyjelly.storage.event.ImageFormat;
import java.awt.Rectangle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Masks one screenshot: the pure core of PII masking, with no Vert.x in it. A screenshot whose
 * app or title matches a rule is filled whole. Otherwise OCR reads the regions that look like
 * text ({@link TextRegions}), words are grouped into lines ({@link TextLines}), each line is
 * classified ({@link MaskRules}), and the words holding each PII match are filled solid, as one
 * box with the gaps between them, — never blurred,
 * which can be undone — with a margin around them. Everything that goes wrong (no OCR engine, OCR
 * failure, an undecodable image) fills the whole screenshot: fail closed. Blocking (CPU) work;
 * thread-safe when the reader is.
 */
public final class ScreenshotMasker {

  private final MaskRules rules;
  private final TextReader reader;
  private final String noReaderReason;
  private final int margin;

  /**
   * @param reader         the OCR engine, or {@code null} when there is none
   * @param noReaderReason why there is none (reported in every fully masked result)
   */
  public ScreenshotMasker(MaskRules rules, TextReader reader, String noReaderReason, int margin) {
    this.rules = rules;
    this.reader = reader;
    this.noReaderReason = noReaderReason;
    this.margin = margin;
  }

  public boolean hasReader() {
    return reader != null;
  }

  public MaskResult mask(byte[] data, ImageFormat format, int width, int height, String appName,
      String windowTitle) {
    Optional<PiiKind> rule = rules.wholeScreen(appName, windowTitle);
    if (rule.isPresent()) {
      return whole(format, width, height, rule.get(), null);
    }
    if (reader == null) {
      return whole(format, width, height, PiiKind.UNCHECKED, noReaderReason);
    }
    ScreenshotPixels pixels;
    try {
      pixels = ScreenshotPixels.decode(data, format, width, height);
    } catch (IOException | RuntimeException e) {
      return whole(format, width, height, PiiKind.UNCHECKED, "the image could not be decoded: " + e.getMessage());
    }
    byte[] grey = pixels.grey();
    List<OcrWord> words;
    try {
      words = reader.read(grey, pixels.width(), pixels.height(),
          TextRegions.find(grey, pixels.width(), pixels.height()));
    } catch (OcrException | RuntimeException e) {
      return whole(format, pixels.width(), pixels.height(), PiiKind.UNCHECKED, "OCR failed: " + e.getMessage());
    }
    List<MaskedRegion> regions = new ArrayList<>();
    Set<PiiKind> kinds = EnumSet.noneOf(PiiKind.class);
    List<TextLines.Line> unsure = new ArrayList<>();
    for (TextLines.Line line : TextLines.group(words)) {
      if (SecondRead.wanted(line, classify(line, regions, kinds))) {
        unsure.add(line);
      }
    }
    try {
      for (TextLines.Line line : TextLines.group(SecondRead.read(reader, pixels, grey, unsure))) {
        classify(line, regions, kinds);
      }
    } catch (OcrException | RuntimeException e) {
      return whole(format, pixels.width(), pixels.height(), PiiKind.UNCHECKED, "OCR failed: " + e.getMessage());
    }
    double density = OcrTextDensity.of(words, pixels.width(), pixels.height());
    if (regions.isEmpty()) {
      // Nothing to hide: hand back the original bytes rather than a re-encoded copy.
      return new MaskResult(data, format, pixels.width(), pixels.height(), List.of(), Set.of(), false,
          null, density);
    }
    regions.forEach(r -> pixels.fill(r.box()));
    return new MaskResult(pixels.encode(), pixels.outputFormat(), pixels.width(), pixels.height(),
        regions, kinds, false, null, density);
  }

  /** Adds a region for each match in {@code line}; the matches. */
  private List<PiiMatch> classify(TextLines.Line line, List<MaskedRegion> regions, Set<PiiKind> kinds) {
    List<PiiMatch> matches = rules.find(line.text());
    for (PiiMatch match : matches) {
      Rectangle box = line.wordsCovering(match.start(), match.end());
      if (box != null) {
        box.grow(margin, margin);
        regions.add(new MaskedRegion(box, match.kind()));
        kinds.add(match.kind());
      }
    }
    return matches;
  }

  /** Fills a plan's regions in a copy of the raw screenshot it was made for. */
  public static MaskResult apply(MaskResult plan, byte[] raw) throws IOException {
    if (plan.whole()) {
      return plan.withData(ScreenshotPixels.solid(plan.format(), plan.width(), plan.height()));
    }
    if (plan.regions().isEmpty()) {
      return plan.withData(raw);
    }
    ScreenshotPixels pixels = ScreenshotPixels.decode(raw, plan.format(), plan.width(), plan.height());
    plan.regions().forEach(r -> pixels.fill(r.box()));
    return plan.withData(pixels.encode());
  }

  /** The whole screenshot filled, for a rule, or when masking could not be done (fail closed). */
  public static MaskResult whole(ImageFormat format, int width, int height, PiiKind kind, String failure) {
    int w = Math.max(1, width);
    int h = Math.max(1, height);
    ImageFormat out = format != null && format.isRaw() ? format : ImageFormat.PNG;
    return new MaskResult(ScreenshotPixels.solid(out, w, h), out, w, h,
        List.of(new MaskedRegion(new Rectangle(0, 0, w, h), kind)), Set.of(kind), true, failure, null);
  }
}
