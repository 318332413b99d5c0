package dev.skellyjelly.storage.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in PII classifiers, run over one line of recognised text. Each kind is a regular
 * expression that finds candidates, tolerant of what OCR does to text (spaces around dots, a
 * comma for a dot, groups run together); {@link PiiChecks} then keeps only the real ones.
 * Stateless, thread-safe.
 */
public final class PiiDetectors {

  // OCR sometimes reads a space after a dot or around the @ ("jane. doe @ corp. example. net"),
  // or a space for a dot in the domain ("mail example.org"): up to four domain labels.
  private static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9_%+\\-]+(?:\\. ?[A-Za-z0-9_%+\\-]+)* ?@ ?[A-Za-z0-9\\-]+(?:\\. ?[A-Za-z0-9\\-]+| [A-Za-z0-9\\-]+(?=\\.)){0,4}\\. ?[A-Za-z]{2,}");
  // A run of digit groups joined by single separators: 4111 1111 1111 1111, 4111-1111-1111-1111.
  private static final Pattern DIGIT_RUN = Pattern.compile("(?<![\\dA-Za-z])\\d+(?:[ \\-]\\d+)*(?![\\dA-Za-z])");
  private static final Pattern DIGIT_GROUP = Pattern.compile("\\d+");
  // A country code and check digits, then groups of letters and digits: DE89 3704 0044 0532 0130 00.
  // The check digits may be misread as look-alike letters (O, I, S, B): "DESO" for DE80.
  private static final Pattern IBAN = Pattern.compile(
      "(?<![A-Za-z0-9])[A-Z]{2}[0-9OISB]{2}(?: ?[A-Z0-9]+)+");
  private static final Pattern IBAN_GROUP = Pattern.compile("[A-Z0-9]+");
  // OCR reads a dot as a comma now and then: 42.244.244,124 or 184,139,36.81 (a dot is kept:
  // "1,200,250" is a number; an octet never starts with 0, so "2,150,000.00" is no address).
  private static final Pattern IPV4 = Pattern.compile(
      "(?<![\\d.,])(\\d{1,3})[.,](\\d{1,3})[.,](\\d{1,3})[.,](\\d{1,3})(?![\\d.,]*\\d)");
  private static final Pattern IPV6 = Pattern.compile(
      "(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])");
  private static final Pattern SSN = Pattern.compile("(?<![\\d-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\d-])");
  // +44 20 7946 0958, (555) 123-4567, 555-123-4567, 06 12 34 56 78, 030/1234567.
  private static final Pattern PHONE = Pattern.compile(
      "(?<![\\w+.,:/-])(?:\\+\\d{1,3}[ .\\-]?)?(?:\\(\\d{1,5}\\)[ .\\-]?)?\\d{1,5}(?:[ .\\-/]\\d{1,8}){0,5}(?![\\w:/-]|[.,]\\d)");

  private PiiDetectors() {
  }

  /** Every PII span of the built-in kinds in {@code line}, in order of start; spans may overlap. */
  public static List<PiiMatch> find(String line) {
    List<PiiMatch> found = new ArrayList<>();
    collect(found, EMAIL.matcher(line), PiiKind.EMAIL);
    Matcher iban = IBAN.matcher(line);
    while (iban.find()) {
      // Keep the IBAN's own groups only: the first group starts it, trailing words may follow.
      longestValidPrefix(line, iban.start(), iban.end(), IBAN_GROUP, PiiKind.IBAN, found,
          PiiChecks::ibanValid);
    }
    Matcher run = DIGIT_RUN.matcher(line);
    while (run.find()) {
      // The card may share its run with a date or an amount next to it: try every sub-run.
      if (!overlapsIban(found, run.start(), run.end())) {
        longestValid(line, run.start(), run.end(), DIGIT_GROUP, PiiKind.CARD, found,
            PiiChecks::cardValid);
      }
    }
    Matcher v4 = IPV4.matcher(line);
    while (v4.find()) {
      if (PiiChecks.ipv4Like(v4.group(1), v4.group(2), v4.group(3), v4.group(4)) && v4.group().indexOf('.') >= 0) {
        found.add(new PiiMatch(v4.start(), v4.end(), PiiKind.IPV4));
      }
    }
    Matcher v6 = IPV6.matcher(line);
    while (v6.find()) {
      if (PiiChecks.ipv6Valid(v6.group())) {
        found.add(new PiiMatch(v6.start(), v6.end(), PiiKind.IPV6));
      }
    }
    Matcher ssn = SSN.matcher(line);
    while (ssn.find()) {
      if (PiiChecks.ssnValid(ssn.group(1), ssn.group(2), ssn.group(3))) {
        found.add(new PiiMatch(ssn.start(), ssn.end(), PiiKind.SSN));
      }
    }
    // A date next to a phone number would swallow it into one rejected candidate: blank dates out.
    Matcher phone = PHONE.matcher(PiiChecks.DATE.matcher(line).replaceAll(d -> "#".repeat(d.group().length())));
    while (phone.find()) {
      if (PiiChecks.phoneLike(phone.group()) && !covered(found, phone.start(), phone.end())) {
        found.add(new PiiMatch(phone.start(), phone.end(), PiiKind.PHONE));
      }
    }
    found.sort((a, b) -> Integer.compare(a.start(), b.start()));
    return found;
  }

  /** The longest span of whole groups inside {@code [from, to)} that passes {@code valid}. */
  private static void longestValid(String line, int from, int to, Pattern group, PiiKind kind,
      List<PiiMatch> found, java.util.function.Predicate<String> valid) {
    List<int[]> groups = groups(line, from, to, group);
    int bestStart = -1;
    int bestEnd = -1;
    for (int i = 0; i < groups.size(); i++) {
      for (int j = groups.size() - 1; j >= i; j--) {
        int start = groups.get(i)[0];
        int end = groups.get(j)[1];
        if (end - start > bestEnd - bestStart && valid.test(line.substring(start, end))) {
          bestStart = start;
          bestEnd = end;
        }
      }
    }
    if (bestStart >= 0) {
      found.add(new PiiMatch(bestStart, bestEnd, kind));
    }
  }

  /** The longest prefix of whole groups of {@code [from, to)} that passes {@code valid}. */
  private static void longestValidPrefix(String line, int from, int to, Pattern group,
      PiiKind kind, List<PiiMatch> found, java.util.function.Predicate<String> valid) {
    List<int[]> groups = groups(line, from, to, group);
    for (int j = groups.size() - 1; j >= 0; j--) {
      if (valid.test(line.substring(from, groups.get(j)[1]))) {
        found.add(new PiiMatch(from, groups.get(j)[1], kind));
        return;
      }
    }
  }

  private static List<int[]> groups(String line, int from, int to, Pattern group) {
    List<int[]> groups = new ArrayList<>();
    Matcher g = group.matcher(line).region(from, to);
    while (g.find()) {
      groups.add(new int[] {g.start(), g.end()});
    }
    return groups;
  }

  private static void collect(List<PiiMatch> found, Matcher m, PiiKind kind) {
    while (m.find()) {
      found.add(new PiiMatch(m.start(), m.end(), kind));
    }
  }

  private static boolean overlapsIban(List<PiiMatch> found, int start, int end) {
    return found.stream().anyMatch(m -> m.kind() == PiiKind.IBAN && m.start() < end && start < m.end());
  }

  /** A phone candidate already inside a card, SSN or IP match is that, not a phone. */
  private static boolean covered(List<PiiMatch> found, int start, int end) {
    for (PiiMatch m : found) {
      if (m.start() <= start && end <= m.end()) {
        return true;
      }
    }
    return false;
  }
}
