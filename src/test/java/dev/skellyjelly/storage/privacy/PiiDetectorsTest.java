package dev.skellyjelly.storage.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PiiDetectorsTest {

  /** The kinds found in {@code line}, with the exact text each covers. */
  private static List<String> found(String line) {
    return PiiDetectors.find(line).stream()
        .map(m -> m.kind().label() + ":" + line.substring(m.start(), m.end())).toList();
  }

  @Test
  void emailAddressesAreFoundInsideSentences() {
    assertEquals(List.of("email:jane.doe+work@mail.example.co.uk"),
        found("Reply to jane.doe+work@mail.example.co.uk today"));
    assertEquals(List.of(), found("meet @ noon, see example.com"));
  }

  @Test
  void cardNumbersPassLuhnOrArePrintedAsCards() {
    assertEquals(List.of("card:4111 1111 1111 1111"), found("Visa 4111 1111 1111 1111 exp 12/29"));
    assertEquals(List.of("card:5500-0000-0000-0004"), found("MC 5500-0000-0000-0004"));
    assertEquals(List.of("card:378282246310005"), found("Amex 378282246310005"));
    // One digit off (as OCR misreads one now and then): still printed as a card, so still a card.
    assertEquals(List.of("card:4111 1111 1111 1112"), found("Visa 4111 1111 1111 1112"));
    assertEquals(List.of("card:5200 1199 4549 2713"), found("card 5200 1199 4549 2713 exp"), "from bench-pii");
    // A bare run of digits must pass Luhn: it may be an id; two groups are no card layout.
    assertEquals(List.of(), found("order 4111111111111112"));
    assertEquals(List.of(), found("ids 41111111 11111112"));
    assertTrue(PiiChecks.luhnValid("6011111111111117"));
    assertFalse(PiiChecks.luhnValid("79927398713"), "Luhn-valid but too short for a card");
  }

  @Test
  void ibansPassMod97OrHaveTheirCountrysLength() {
    assertEquals(List.of("iban:DE89 3704 0044 0532 0130 00"), found("IBAN DE89 3704 0044 0532 0130 00"));
    assertEquals(List.of("iban:GB82WEST12345698765432"), found("to GB82WEST12345698765432."));
    // A misread digit fails mod 97; the exact German length still says IBAN.
    assertEquals(List.of("iban:DE88 3704 0044 0532 0130 00"), found("IBAN DE88 3704 0044 0532 0130 00"));
    assertEquals(List.of("iban:DE72 1225 2335 3766 0265 96"), found("to DE72 1225 2335 3766 0265 96"), "from bench-pii");
    // Neither: a German-looking code two groups short, a country outside the table.
    assertEquals(List.of(), found("ref DE88 3704A"));
    assertEquals(List.of(), found("ref XY88ABCD1234EFGH5678"));
  }

  @Test
  void ipAddressesAreValidatedNotJustDotted() {
    assertEquals(List.of("ipv4:192.168.10.254"), found("host 192.168.10.254 up"));
    assertEquals(List.of(), found("version 1.2.3 and 300.400.1.1 and 1.2.3.4.5 and 10.01.1.1"));
    // One octet out of range is taken as a misread digit: masked.
    assertEquals(List.of("ipv4:300.1.1.1"), found("host 300.1.1.1 up"));
    assertEquals(List.of("ipv6:2001:db8:85a3::8a2e:370:7334"), found("addr 2001:db8:85a3::8a2e:370:7334"));
    assertEquals(List.of("ipv6:fe80:0:0:0:202:b3ff:fe1e:8329"), found("fe80:0:0:0:202:b3ff:fe1e:8329"));
    assertEquals(List.of(), found("meeting 10:30:00 to 11:45"), "times are not IPv6");
  }

  @Test
  void socialSecurityNumbersFollowTheSsaRules() {
    assertEquals(List.of("ssn:123-45-6789"), found("SSN 123-45-6789"));
    assertFalse(found("SSN 666-45-6789").contains("ssn:666-45-6789"));
    assertFalse(found("SSN 123-00-6789").contains("ssn:123-00-6789"));
  }

  @Test
  void phoneNumbersInInternationalAndNationalFormats() {
    assertEquals(List.of("phone:+44 20 7946 0958"), found("call +44 20 7946 0958 now"));
    assertEquals(List.of("phone:(555) 123-4567"), found("Tel (555) 123-4567"));
    assertEquals(List.of("phone:555-123-4567"), found("555-123-4567"));
    assertEquals(List.of("phone:06 12 34 56 78"), found("portable 06 12 34 56 78"));
    assertEquals(List.of("phone:+49 30 1234567"), found("+49 30 1234567"));
  }

  @Test
  void ordinaryNumbersAreNotPhones() {
    assertEquals(List.of(), found("Invoice 2026-11-24 total 1234.50 order 12345678 v2.4.1"));
    assertEquals(List.of(), found("page 3 of 12, 10:45, 25 Nov 2026, room 101"));
  }

  @Test
  void commonOcrSlipsStillMatch() {
    assertEquals(List.of("email:ahmed. chen78@corp. example. net"),
        found("version ahmed. chen78@corp. example. net 16:36"), "spaces after dots");
    assertEquals(List.of("ipv4:42.244.244,124"), found("morning 42.244.244,124 team"), "a comma for a dot");
    assertEquals(List.of(), found("total 1,234,567.00"), "an amount is no address");
    // A card or IBAN next to a date or a time: the valid part is found, not the whole run.
    assertEquals(List.of("card:4784 3491 8699 1407"), found("2026-06-12 4784 3491 8699 1407"));
    assertEquals(List.of("iban:DE89 3704 0044 0532 0130 00"), found("DE89 3704 0044 0532 0130 00 12:14"));
  }

  @Test
  void moreOcrSlipsFromTheBenchmark() {
    assertEquals(List.of("ipv4:184,139,36.81"), found("status 184,139,36.81 update"));
    assertEquals(List.of("phone:06 43 10 76 34"), found("confirm 2026-04-14 06 43 10 76 34 v3.8.8"));
    assertEquals(List.of("card:5305 3691 57045972"), found("server 5305 3691 57045972"));
  }

  @Test
  void theOcrVariantOfALineFindsWhatSlipsHid() {
    MaskRules rules = new MaskRules(List.of(), List.of(), List.of());
    String line = "server 2001: db8: f2b0 :4b5d:409c and IBAN DEO5 1640 4741 5111 5057 66 ok";
    List<String> found = rules.find(line).stream()
        .map(m -> m.kind().label() + ":" + line.substring(m.start(), m.end())).toList();
    assertEquals(List.of("ipv6:2001: db8: f2b0 :4b5d:409c", "iban:DEO5 1640 4741 5111 5057 66"), found);
    // As read, the IBAN already matches (its check digits "O5" may be misread "05"); no IPv6.
    assertEquals(List.of("iban:DEO5 1640 4741 5111 5057 66"), PiiDetectors.find(line).stream()
        .map(m -> m.kind().label() + ":" + line.substring(m.start(), m.end())).toList());
  }

  @Test
  void aZeroReadAsAnApostropheOrADotReadTwiceInsideAnAddressStillMasksIt() {
    MaskRules rules = new MaskRules(List.of(), List.of(), List.of());
    // bench-pii, screen 42: 2001:db8:f2b0::4b5d:409c in a terminal font, as Tesseract read it.
    String line = "2001: db8: f2b' :4b5d:409c #30332 #28058";
    List<String> found = rules.find(line).stream()
        .map(m -> m.kind().label() + ":" + line.substring(m.start(), m.end())).toList();
    assertEquals(List.of("ipv6:2001: db8: f2b' :4b5d:409c"), found);
    // bench-pii --screens 100, screen 94: a 0 read as 6 (one octet out of range), and 96: the
    // check digits 80 read as "SO".
    String misread = "197.262 .36.182 review";
    assertEquals(List.of("ipv4:197.262 .36.182"), rules.find(misread).stream()
        .map(m -> m.kind().label() + ":" + misread.substring(m.start(), m.end())).toList());
    assertEquals(List.of("iban:DESO 5404 5842 9058 6955 60"), found("order #46743 DESO 5404 5842 9058 6955 60"));
    assertEquals(List.of(), found("build 10.300.400.1"), "two octets out of range: a version, not an address");
    // bench-pii --screens 100, screen 67: a dot read as ",." in a document font.
    String twice = "attached deploy 14,.15.232.20";
    assertEquals(List.of("ipv4:14,.15.232.20"), rules.find(twice).stream()
        .map(m -> m.kind().label() + ":" + twice.substring(m.start(), m.end())).toList());
    assertEquals(List.of(), rules.find("it's 10:30 o'clock"), "no address, no colon-zero");
  }

  @Test
  void userPatternsAndWholeScreenRulesAreCaseInsensitive() {
    int flags = Pattern.CASE_INSENSITIVE;
    MaskRules rules = new MaskRules(List.of(Pattern.compile("project\\s+falcon", flags)),
        List.of(Pattern.compile("keepass", flags)), List.of(Pattern.compile("private browsing", flags)));
    List<PiiMatch> m = rules.find("Status of PROJECT Falcon: mail ops@example.org");
    assertEquals(List.of(PiiKind.PATTERN, PiiKind.EMAIL), m.stream().map(PiiMatch::kind).toList(),
        "in order of their place in the line");
    assertEquals(Optional.of(PiiKind.APP), rules.wholeScreen("KeePassXC", "Database"));
    assertEquals(Optional.of(PiiKind.TITLE), rules.wholeScreen("firefox", "New Tab — Private Browsing"));
    assertEquals(Optional.empty(), rules.wholeScreen("firefox", "News"));
  }
}
