package dev.skellyjelly.storage.privacy;

import java.util.regex.Pattern;

/**
 * Whether a candidate a {@link PiiDetectors} pattern found is the real thing: a payment card must
 * pass the Luhn checksum (ISO/IEC 7812) or be printed in card groups, an IBAN the ISO 13616
 * mod-97 check or have its SEPA country's exact length, an IPv4 address four octets of 0–255, an
 * IPv6 address a valid group layout, a US social security number the SSA's rules (area not 000,
 * 666 or 9xx; group not 00; serial not 0000). A phone number needs a leading {@code +}, a
 * parenthesised area code or separators between digit groups, 7 to 15 digits (ITU E.164) and
 * must not read as a date. OCR reads {@code O} for {@code 0} in numbers now and then; digits are
 * compared after that swap.
 */
final class PiiChecks {

  /** A date, which a phone number candidate must not be (and which must not swallow one). */
  static final Pattern DATE = Pattern.compile(
      "\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}|\\d{1,2}[-./]\\d{1,2}[-./]\\d{2,4}");

  /** IBAN lengths of the SEPA countries (SWIFT's IBAN registry). */
  private static final java.util.Map<String, Integer> SEPA_IBAN_LENGTHS = java.util.Map.ofEntries(
      java.util.Map.entry("AD", 24), java.util.Map.entry("AT", 20), java.util.Map.entry("BE", 16),
      java.util.Map.entry("BG", 22), java.util.Map.entry("CH", 21), java.util.Map.entry("CY", 28),
      java.util.Map.entry("CZ", 24), java.util.Map.entry("DE", 22), java.util.Map.entry("DK", 18),
      java.util.Map.entry("EE", 20), java.util.Map.entry("ES", 24), java.util.Map.entry("FI", 18),
      java.util.Map.entry("FR", 27), java.util.Map.entry("GB", 22), java.util.Map.entry("GI", 23),
      java.util.Map.entry("GR", 27), java.util.Map.entry("HR", 21), java.util.Map.entry("HU", 28),
      java.util.Map.entry("IE", 22), java.util.Map.entry("IS", 26), java.util.Map.entry("IT", 27),
      java.util.Map.entry("LI", 21), java.util.Map.entry("LT", 20), java.util.Map.entry("LU", 20),
      java.util.Map.entry("LV", 21), java.util.Map.entry("MC", 27), java.util.Map.entry("MT", 31),
      java.util.Map.entry("NL", 18), java.util.Map.entry("NO", 15), java.util.Map.entry("PL", 28),
      java.util.Map.entry("PT", 25), java.util.Map.entry("RO", 24), java.util.Map.entry("SE", 24),
      java.util.Map.entry("SI", 19), java.util.Map.entry("SK", 24), java.util.Map.entry("SM", 27),
      java.util.Map.entry("VA", 22));

  private PiiChecks() {
  }

  static boolean phoneLike(String candidate) {
    String digits = digits(candidate);
    if (digits.length() < 7 || digits.length() > 15 || DATE.matcher(candidate).find()) {
      return false;
    }
    boolean international = candidate.startsWith("+");
    boolean areaCode = candidate.contains("(");
    long groups = candidate.chars().filter(c -> c == ' ' || c == '-' || c == '.' || c == '/').count();
    if (candidate.contains(".") && !international && groups >= 3 && digits.length() <= 12
        && candidate.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false; // an IPv4 with a bad octet, or a version number
    }
    // A bare run of digits is an id or an amount; a phone number is written in groups.
    return international || areaCode || (groups >= 1 && digits.length() >= 9) || groups >= 2;
  }

  /** The digits of {@code s}, with the letter O read by OCR in a number taken as 0. */
  static String digits(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      } else if (c == 'O' || c == 'o') {
        b.append('0');
      }
    }
    return b.toString();
  }

  /**
   * A card number as cards print it — one run of 13–19 digits, groups of four (the last may be
   * shorter; two run together by OCR count), or Amex's 4-6-5 (4-6-4 for Diners), one separator
   * throughout — passing Luhn. A number printed in card groups (three or more) is taken as a card
   * even when Luhn fails: OCR misreads a digit of a card in a small terminal font now and then,
   * and masking an order number printed like a card is the cheaper mistake. A bare run of digits
   * must pass Luhn: it is as likely an id.
   */
  static boolean cardValid(String candidate) {
    String[] groups = candidate.split("[ \\-]");
    boolean oneSeparator = candidate.indexOf(' ') < 0 || candidate.indexOf('-') < 0;
    boolean layout = groups.length == 1;
    if (groups.length == 3) {
      layout = groups[0].length() == 4 && groups[1].length() == 6 && groups[2].length() >= 4
          && groups[2].length() <= 5;
    }
    if (groups.length >= 4) {
      layout = true;
      for (int i = 0; i < groups.length; i++) {
        int n = groups[i].length();
        layout &= i < groups.length - 1 ? n == 4 : n >= 1 && n <= 4;
      }
    }
    if (!layout && groups.length >= 2) {
      // Groups of four that OCR ran together: 5305 3691 57045972.
      layout = java.util.Arrays.stream(groups).allMatch(g -> g.length() % 4 == 0);
    }
    String digits = candidate.replaceAll("[ \\-]", "");
    boolean printed = groups.length >= 3 && digits.length() >= 13 && digits.length() <= 19;
    return oneSeparator && layout && (printed || luhnValid(digits));
  }

  /** Luhn (mod 10): every second digit from the right doubled, the sum divisible by 10. */
  static boolean luhnValid(String digits) {
    if (digits.length() < 13 || digits.length() > 19) {
      return false;
    }
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /**
   * ISO 13616: move the country code and check digits to the end, letters to numbers
   * (A = 10 … Z = 35), and the whole number mod 97 must be 1 — or, as for cards, the exact length
   * its country registers (SEPA countries), since a digit OCR misread fails mod 97.
   */
  static boolean ibanValid(String candidate) {
    String iban = candidate.replace(" ", "");
    if (iban.length() < 15 || iban.length() > 34) {
      return false;
    }
    Integer registered = SEPA_IBAN_LENGTHS.get(iban.substring(0, 2));
    if (registered != null && registered == iban.length() && iban.substring(4).matches("\\d+")) {
      return true; // the layout of the country's IBAN, whatever OCR made of its check digits
    }
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    int remainder = 0;
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      int value;
      if (c >= '0' && c <= '9') {
        value = c - '0';
      } else if (c >= 'A' && c <= 'Z') {
        value = c - 'A' + 10;
      } else {
        return false;
      }
      remainder = (value >= 10 ? remainder * 100 : remainder * 10) + value;
      remainder %= 97;
    }
    return remainder == 1;
  }

  /**
   * Four octets of 0–255 — or three and one out of range, since OCR misreads a digit now and then
   * ("197.262.36.182" for 197.202.36.182) and a four-part dotted number is rarely anything else.
   * An octet never starts with 0.
   */
  static boolean ipv4Like(String... octets) {
    int outOfRange = 0;
    for (String o : octets) {
      if (o.length() > 1 && o.charAt(0) == '0') {
        return false;
      }
      if (!octet(o)) {
        outOfRange++;
      }
    }
    return outOfRange <= 1;
  }

  private static boolean octet(String s) {
    return Integer.parseInt(s) <= 255 && (s.length() == 1 || s.charAt(0) != '0');
  }

  /** At most one {@code ::}; eight groups without it (see below), fewer with it. */
  static boolean ipv6Valid(String s) {
    int compressed = s.indexOf("::");
    if (compressed != s.lastIndexOf("::") || s.contains(":::")) {
      return false;
    }
    String[] groups = s.split(":", -1);
    int nonEmpty = 0;
    boolean letters = false;
    for (String g : groups) {
      if (!g.isEmpty()) {
        nonEmpty++;
      }
      letters |= g.chars().anyMatch(Character::isLetter);
    }
    if (compressed < 0) {
      // Eight groups; OCR drops a colon of "::" now and then, so five or more with a hex letter
      // pass too (a MAC address, also a device identifier, does as well).
      return nonEmpty == groups.length && (groups.length == 8 || groups.length >= 5 && letters);
    }
    // "::1", "fe80::1": a time such as 10:30 never has "::"; a bare "::" holds nothing private.
    return nonEmpty >= 1 && nonEmpty <= 7 && (letters || nonEmpty >= 2 || s.startsWith("::"));
  }

  static boolean ssnValid(String area, String group, String serial) {
    int a = Integer.parseInt(area);
    return a != 0 && a != 666 && a < 900 && !"00".equals(group) && !"0000".equals(serial);
  }
}
