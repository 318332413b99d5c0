package dev.skellyjelly.storage.demo;

import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.MouseButton;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A stand-in for Data Capture: one capture session producing the mix a desktop produces while
 * someone works — mostly pointer moves along smooth paths and typing, some clicks, focus changes
 * between a handful of applications, occasional process starts and a resource sample now and
 * then — numbered 0, 1, 2, … within the session. Deterministic for a given seed.
 */
public final class SyntheticCapture {

  private static final String[][] WINDOWS = {
      {"Inbox (3) — Thunderbird", "thunderbird"},
      {"storage-module-spec.md — Visual Studio Code", "code"},
      {"Skelly-Jelly Storage — Mozilla Firefox", "firefox"},
      {"Terminal — mvn -B verify", "gnome-terminal"},
      {"Q4 planning.ods — LibreOffice Calc", "soffice"},
      {"#storage — Slack", "slack"},
  };
  private static final String[][] PROCESSES = {
      {"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"},
      {"git", "/usr/bin/git"},
      {"node", "/usr/bin/node"},
      {"ls", "/usr/bin/ls"},
  };

  private final UUID session;
  private final SplittableRandom random;
  private long sequence;
  private int x = 960;
  private int y = 540;
  private int dx = 3;
  private int dy = 1;
  private int window;

  public SyntheticCapture(UUID session, long seed) {
    this.session = session;
    this.random = new SplittableRandom(seed);
  }

  public UUID session() {
    return session;
  }

  /** How many events (screenshots included) this session has produced. */
  public long produced() {
    return sequence;
  }

  /** The next non-screenshot event, stamped {@code timestampMicros}. */
  public RawEvent next(long timestampMicros) {
    int roll = random.nextInt(1000);
    long seq = sequence++;
    if (roll < 560) {
      if (random.nextInt(20) == 0) {
        dx = random.nextInt(-8, 9);
        dy = random.nextInt(-6, 7);
      }
      x = Math.max(0, Math.min(1919, x + dx));
      y = Math.max(0, Math.min(1079, y + dy));
      return new RawEvent.MouseMove(timestampMicros, session, seq, x, y);
    }
    if (roll < 880) {
      int key = 'A' + random.nextInt(26);
      int modifiers = random.nextInt(12) == 0 ? 2 : 0;
      return new RawEvent.Keystroke(timestampMicros, session, seq, key, modifiers);
    }
    if (roll < 950) {
      return new RawEvent.MouseClick(timestampMicros, session, seq, x, y,
          random.nextInt(10) == 0 ? MouseButton.RIGHT : MouseButton.LEFT,
          random.nextInt(8) == 0 ? 2 : 1);
    }
    if (roll < 975) {
      return new RawEvent.ResourceUsage(timestampMicros, session, seq,
          (float) (3 + random.nextDouble() * 40), 3_000_000_000L + random.nextLong(500_000_000L));
    }
    if (roll < 995) {
      window = random.nextInt(WINDOWS.length);
      return new RawEvent.WindowFocus(timestampMicros, session, seq, WINDOWS[window][0],
          WINDOWS[window][1], 1000 + window);
    }
    String[] p = PROCESSES[random.nextInt(PROCESSES.length)];
    return new RawEvent.ProcessStart(timestampMicros, session, seq, p[0],
        20_000 + random.nextInt(10_000), p[1]);
  }

  /**
   * A screenshot of the focused window: raw BGRA of a desktop-like picture (title bar, panels,
   * lines of "text"). {@code large} gives 1280×1024 (5 MiB, the file route); otherwise 640×400.
   */
  public RawEvent.Screenshot screenshot(long timestampMicros, boolean large) {
    int w = large ? 1280 : 640;
    int h = large ? 1024 : 400;
    byte[] pixels = new byte[w * h * 4];
    paint(pixels, w, h);
    String[] focused = WINDOWS[window];
    return new RawEvent.Screenshot(timestampMicros, session, sequence++, ScreenshotId.random(),
        pixels, ImageFormat.RAW_BGRA, w, h, focused[0], focused[1], new ScreenRegion(0, 0, w, h),
        random.nextInt(4) == 0);
  }

  private void paint(byte[] px, int w, int h) {
    fill(px, w, 0, 0, w, h, 0xF5F5F5);
    fill(px, w, 0, 0, w, h / 16, 0x2D3E50);
    fill(px, w, 0, h / 16, w / 5, h, 0xE1E4E8);
    int panels = 2 + random.nextInt(4);
    for (int i = 0; i < panels; i++) {
      int px0 = w / 5 + 10 + random.nextInt(w / 2);
      int py0 = h / 8 + random.nextInt(h / 2);
      fill(px, w, px0, py0, Math.min(w, px0 + w / 6), Math.min(h, py0 + h / 10), 0x3C8DBC);
    }
    for (int line = h / 8; line < h - 10; line += 14) {
      int len = w / 4 + random.nextInt(w / 2);
      for (int xs = w / 5 + 12; xs < Math.min(w, w / 5 + len); xs += 7) {
        fill(px, w, xs, line, Math.min(w, xs + 5), Math.min(h, line + 8), 0x202020);
      }
    }
  }

  private static void fill(byte[] px, int w, int x0, int y0, int x1, int y1, int rgb) {
    byte b = (byte) rgb;
    byte g = (byte) (rgb >> 8);
    byte r = (byte) (rgb >> 16);
    for (int yy = y0; yy < y1; yy++) {
      int i = (yy * w + x0) * 4;
      for (int xx = x0; xx < x1; xx++, i += 4) {
        px[i] = b;
        px[i + 1] = g;
        px[i + 2] = r;
        px[i + 3] = (byte) 0xFF;
      }
    }
  }
}
