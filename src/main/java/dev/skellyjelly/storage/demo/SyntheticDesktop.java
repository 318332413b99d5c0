package dev.skellyjelly.storage.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Synthetic desktop screenshots drawn with Java2D — mail clients, forms, terminals and documents
 * in several fonts, sizes and colours — with PII planted at known places among ordinary words,
 * dates, times, amounts and version numbers, so masking can be scored without a human. Pure
 * black (#000000) is never drawn: it is the mask colour, so a box that turned pure black was
 * masked. Deterministic for a seed.
 */
public final class SyntheticDesktop {

  /** A string drawn on the screen: its text, its kind ({@code plain} for non-PII) and its box. */
  public record Planted(String text, String kind, Rectangle box) {
  }

  /** One screenshot and everything drawn on it. */
  public record Screen(BufferedImage image, String appName, String windowTitle,
      List<Planted> pii, List<Planted> plain) {
  }

  /** How a returned image treated what was planted; {@code missed} names the PII left visible. */
  public record Score(int pii, int piiMasked, int plain, int plainMasked, List<Planted> missed) {
  }

  private static final String[] LAYOUTS = {"mail", "form", "terminal", "document"};
  private static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG};
  private static final String[] WORDS = ("meeting project report review budget schedule team update"
      + " design release notes customer order invoice status weekly planning draft summary agenda"
      + " please confirm attached following details account settings profile message reply forward"
      + " thanks regards tomorrow morning afternoon quarter results server deploy build version")
      .split(" ");
  private static final String[] FIRST = {"jane", "john", "maria", "li", "ahmed", "olga", "peter", "sofia"};
  private static final String[] LAST = {"doe", "smith", "garcia", "chen", "khan", "novak", "berg", "rossi"};
  private static final String[] DOMAINS = {"example.com", "mail.example.org", "corp.example.net", "example.co.uk"};

  private final Random random;

  public SyntheticDesktop(long seed) {
    this.random = new Random(seed);
  }

  /** Renders screenshot number {@code index}, of {@code width}×{@code height}, with about {@code piiCount} PII strings. */
  public Screen render(int index, int width, int height, int piiCount) {
    String layout = LAYOUTS[index % LAYOUTS.length];
    boolean dark = layout.equals("terminal") || index % 7 == 3;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    Color background = dark ? new Color(0x1E, 0x1E, 0x24) : new Color(0xF4, 0xF4, 0xF0);
    Color ink = dark ? new Color(0xD8, 0xE0, 0xD0) : new Color(0x20, 0x22, 0x28 + index % 5 * 8);
    g.setColor(background);
    g.fillRect(0, 0, width, height);
    // Window chrome: a title bar, a side panel for mail, field boxes for forms.
    g.setColor(dark ? new Color(0x30, 0x30, 0x38) : new Color(0xD0, 0xD8, 0xE8));
    g.fillRect(0, 0, width, 36);
    int left = 40;
    if (layout.equals("mail")) {
      g.fillRect(0, 36, width / 5, height - 36);
      left = width / 5 + 30;
    }
    String font = layout.equals("terminal") ? Font.MONOSPACED : FONTS[index % FONTS.length];
    int size = 15 + (index * 3) % 8;
    g.setFont(new Font(font, index % 3 == 1 ? Font.BOLD : Font.PLAIN, size));
    FontMetrics fm = g.getFontMetrics();
    List<Planted> pii = new ArrayList<>();
    List<Planted> plain = new ArrayList<>();
    int lineHeight = fm.getHeight() + 10;
    int lines = Math.min((height - 80) / lineHeight, Math.max(piiCount * 2, 12));
    int placed = 0;
    for (int line = 0; line < lines; line++) {
      int y = 70 + line * lineHeight;
      int x = left;
      if (layout.equals("form") && line % 2 == 1) {
        g.setColor(dark ? new Color(0x2A, 0x2A, 0x32) : Color.WHITE);
        g.fillRect(x - 6, y - fm.getAscent() - 4, width / 2, fm.getHeight() + 8);
      }
      g.setColor(ink);
      int words = 2 + random.nextInt(4);
      boolean withPii = placed < piiCount && (line % 2 == 0 || lines - line <= piiCount - placed);
      int piiAt = withPii ? random.nextInt(words + 1) : -1;
      for (int w = 0; w <= words; w++) {
        if (w == piiAt) {
          String[] item = pii(random);
          x = draw(g, fm, item[1], item[0], x, y, pii);
          placed++;
        } else if (w < words) {
          x = draw(g, fm, plainWord(random), "plain", x, y, plain);
        }
        if (x > width - 300) {
          break;
        }
      }
    }
    g.dispose();
    String app = switch (layout) {
      case "mail" -> "Thunderbird";
      case "terminal" -> "gnome-terminal";
      case "form" -> "Firefox";
      default -> "LibreOffice Writer";
    };
    return new Screen(image, app, layout + " " + index, pii, plain);
  }

  /**
   * Scores a returned image against what was drawn. Only the ink matters — the pixels of a
   * string's box that differ from the box's background in the original: a PII string counts as
   * masked when at least 98 % of its ink is mask black in the returned image, an ordinary word
   * as masked when half of it is.
   */
  public static Score score(BufferedImage returned, Screen screen) {
    List<Planted> missed = new ArrayList<>();
    int piiMasked = 0;
    for (Planted p : screen.pii()) {
      if (maskedInk(screen.image(), returned, p.box()) >= 0.98) {
        piiMasked++;
      } else {
        missed.add(p);
      }
    }
    int plainMasked = 0;
    for (Planted p : screen.plain()) {
      if (maskedInk(screen.image(), returned, p.box()) >= 0.5) {
        plainMasked++;
      }
    }
    return new Score(screen.pii().size(), piiMasked, screen.plain().size(), plainMasked, missed);
  }

  /** The share of the box's ink (original pixels unlike its most common colour) now mask black. */
  private static double maskedInk(BufferedImage original, BufferedImage returned, Rectangle box) {
    Rectangle r = box.intersection(new Rectangle(0, 0, original.getWidth(), original.getHeight()));
    if (r.isEmpty()) {
      return 0;
    }
    int[] pixels = original.getRGB(r.x, r.y, r.width, r.height, null, 0, r.width);
    java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
    for (int p : pixels) {
      counts.merge(p & 0xFFFFFF, 1, Integer::sum);
    }
    int background = java.util.Collections.max(counts.entrySet(), java.util.Map.Entry.comparingByValue()).getKey();
    int ink = 0;
    int black = 0;
    for (int i = 0; i < pixels.length; i++) {
      if ((pixels[i] & 0xFFFFFF) != background) {
        ink++;
        if ((returned.getRGB(r.x + i % r.width, r.y + i / r.width) & 0xFFFFFF) == 0) {
          black++;
        }
      }
    }
    return ink == 0 ? 1 : black / (double) ink;
  }

  private static int draw(Graphics2D g, FontMetrics fm, String text, String kind, int x, int y,
      List<Planted> into) {
    g.drawString(text, x, y);
    into.add(new Planted(text, kind, new Rectangle(x, y - fm.getAscent(), fm.stringWidth(text),
        fm.getAscent() + fm.getDescent())));
    return x + fm.stringWidth(text + " ") + fm.stringWidth(" ");
  }

  private static String plainWord(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> String.format(Locale.ROOT, "2026-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28));
      case 1 -> String.format(Locale.ROOT, "%d:%02d", 8 + r.nextInt(10), r.nextInt(60));
      case 2 -> String.format(Locale.ROOT, "%,d.%02d", 100 + r.nextInt(90_000), r.nextInt(100));
      case 3 -> "v" + (1 + r.nextInt(4)) + "." + r.nextInt(20) + "." + r.nextInt(10);
      case 4 -> "#" + (10_000 + r.nextInt(90_000));
      default -> WORDS[r.nextInt(WORDS.length)];
    };
  }

  /** A random PII string: {kind, text}. */
  static String[] pii(Random r) {
    return switch (r.nextInt(8)) {
      case 0, 1 -> new String[] {"email", FIRST[r.nextInt(FIRST.length)] + "." + LAST[r.nextInt(LAST.length)]
          + (r.nextBoolean() ? "" : String.valueOf(r.nextInt(100))) + "@" + DOMAINS[r.nextInt(DOMAINS.length)]};
      case 2 -> new String[] {"phone", phone(r)};
      case 3 -> new String[] {"card", card(r)};
      case 4 -> new String[] {"iban", iban(r)};
      case 5 -> new String[] {"ipv4", (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256)
          + "." + (1 + r.nextInt(254))};
      case 6 -> new String[] {"ipv6", String.format(Locale.ROOT, "2001:db8:%x::%x:%x", r.nextInt(0xffff),
          1 + r.nextInt(0xffff), 1 + r.nextInt(0xffff))};
      default -> new String[] {"ssn", String.format(Locale.ROOT, "%03d-%02d-%04d", 1 + r.nextInt(665),
          1 + r.nextInt(99), 1 + r.nextInt(9999))};
    };
  }

  private static String phone(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> String.format(Locale.ROOT, "+1 (%03d) %03d-%04d", 200 + r.nextInt(700), r.nextInt(1000), r.nextInt(10_000));
      case 1 -> String.format(Locale.ROOT, "+44 20 %04d %04d", r.nextInt(10_000), r.nextInt(10_000));
      case 2 -> String.format(Locale.ROOT, "(%03d) %03d-%04d", 200 + r.nextInt(700), r.nextInt(1000), r.nextInt(10_000));
      case 3 -> String.format(Locale.ROOT, "%03d-%03d-%04d", 200 + r.nextInt(700), r.nextInt(1000), r.nextInt(10_000));
      default -> String.format(Locale.ROOT, "0%d %02d %02d %02d %02d", 1 + r.nextInt(9), r.nextInt(100),
          r.nextInt(100), r.nextInt(100), r.nextInt(100));
    };
  }

  /** 16 digits in groups of four, the last a Luhn check digit. */
  private static String card(Random r) {
    int[] d = new int[16];
    d[0] = r.nextBoolean() ? 4 : 5;
    for (int i = 1; i < 15; i++) {
      d[i] = r.nextInt(10);
    }
    int sum = 0;
    for (int i = 14, k = 0; i >= 0; i--, k++) {
      int v = d[i];
      if (k % 2 == 0) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
    }
    d[15] = (10 - sum % 10) % 10;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        s.append(' ');
      }
      s.append(d[i]);
    }
    return s.toString();
  }

  /** A German IBAN (18-digit BBAN) with correct ISO 13616 check digits, in groups of four. */
  private static String iban(Random r) {
    StringBuilder bban = new StringBuilder();
    for (int i = 0; i < 18; i++) {
      bban.append(r.nextInt(10));
    }
    int mod = 0;
    for (char c : (bban + "131400").toCharArray()) { // D=13, E=14, check digits 00
      mod = (mod * 10 + (c - '0')) % 97;
    }
    String raw = String.format(Locale.ROOT, "DE%02d", 98 - mod) + bban;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      if (i > 0 && i % 4 == 0) {
        s.append(' ');
      }
      s.append(raw.charAt(i));
    }
    return s.toString();
  }
}
