package dev.skellyjelly.storage.privacy;

import dev.skellyjelly.storage.config.StorageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What counts as private: the built-in kinds ({@link PiiDetectors}), the user's
 * {@code mask_patterns} over each line of text, and {@code mask_apps} / {@code mask_titles}, which
 * mask a whole screenshot (password managers, banking, private browsing). Patterns arrive compiled
 * and validated by the config. Thread-safe.
 */
public final class MaskRules {

  private final List<Pattern> patterns;
  private final List<Pattern> apps;
  private final List<Pattern> titles;

  public MaskRules(List<Pattern> patterns, List<Pattern> apps, List<Pattern> titles) {
    this.patterns = List.copyOf(patterns);
    this.apps = List.copyOf(apps);
    this.titles = List.copyOf(titles);
  }

  public static MaskRules of(StorageConfig.Privacy privacy) {
    return new MaskRules(privacy.maskPatterns(), privacy.maskApps(), privacy.maskTitles());
  }

  /** {@link PiiKind#APP} or {@link PiiKind#TITLE} when the whole screenshot must be masked. */
  public Optional<PiiKind> wholeScreen(String appName, String windowTitle) {
    if (apps.stream().anyMatch(p -> p.matcher(appName).find())) {
      return Optional.of(PiiKind.APP);
    }
    if (titles.stream().anyMatch(p -> p.matcher(windowTitle).find())) {
      return Optional.of(PiiKind.TITLE);
    }
    return Optional.empty();
  }

  /**
   * Every private span of one line of text: the built-in kinds (also on the line as OCR most
   * likely meant it, {@link OcrVariant}), then the user's patterns.
   */
  public List<PiiMatch> find(String line) {
    List<PiiMatch> found = new ArrayList<>(PiiDetectors.find(line));
    OcrVariant variant = OcrVariant.of(line);
    if (!variant.text().equals(line)) {
      for (PiiMatch m : PiiDetectors.find(variant.text())) {
        found.add(variant.toOriginal(m));
      }
    }
    for (Pattern p : patterns) {
      Matcher m = p.matcher(line);
      while (m.find()) {
        if (m.end() > m.start()) {
          found.add(new PiiMatch(m.start(), m.end(), PiiKind.PATTERN));
        }
      }
    }
    return withoutContained(found);
  }

  /**
   * Drops repeats and spans inside a longer one (the variant often finds the same; an IBAN's
   * digits may also read as a card): each private stretch of text is reported once, in order.
   */
  private static List<PiiMatch> withoutContained(List<PiiMatch> found) {
    List<PiiMatch> kept = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      PiiMatch m = found.get(i);
      boolean inside = false;
      for (int j = 0; j < found.size() && !inside; j++) {
        PiiMatch other = found.get(j);
        boolean covers = other.start() <= m.start() && m.end() <= other.end();
        boolean longer = other.end() - other.start() > m.end() - m.start();
        inside = j != i && covers && (longer || j < i); // of two equal spans the first stays
      }
      if (!inside) {
        kept.add(m);
      }
    }
    kept.sort(java.util.Comparator.comparingInt(PiiMatch::start));
    return List.copyOf(kept);
  }
}
