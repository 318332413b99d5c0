package dev.skellyjelly.storage.demo;

import dev.skellyjelly.storage.event.MouseButton;
import dev.skellyjelly.storage.event.RawEvent;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * One person at a desktop, as Data Capture would record them: pointer strokes toward a target
 * (moves 8–30 ms apart, easing in and out, a pixel of tremor) often ending in a click, typing
 * bursts at irregular human intervals, pauses, window switches among a handful of applications
 * (browser tabs change their titles), a rare process start and a resource sample every 10 s.
 * About 5 events a second on average. Timestamps have millisecond resolution, as the X11 and
 * Win32 input APIs deliver them. Deterministic for a given seed; events come in time order.
 */
public final class HumanInput {

  private static final long MS = 1_000L;
  private static final long RESOURCE_EVERY = 10_000 * MS;
  private static final String[][] WINDOWS = {
      {"Inbox (%d) — Thunderbird", "thunderbird"},
      {"EventReader.java — skelly-jelly — Visual Studio Code", "code"},
      {"Pull request #%d · skelly-jelly/storage — Mozilla Firefox", "firefox"},
      {"Terminal — mvn -B verify", "gnome-terminal"},
      {"Q4 planning.ods — LibreOffice Calc", "soffice"},
      {"#storage — Slack", "slack"},
      {"Weekly sync — Zoom", "zoom"},
  };
  private static final String[][] PROCESSES = {
      {"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"},
      {"git", "/usr/bin/git"},
      {"node", "/usr/bin/node"},
  };
  private static final int[] KEYS = {'E', 'T', 'A', 'O', 'I', 'N', ' ', 'S', 'H', 'R', 'D', 'L', 'U',
      'C', 'M', 'W', 'F', 'G', 'Y', 'P', 'B', 8, 13, 'V', 'K'};

  private final UUID session;
  private final SplittableRandom random;
  private final ArrayDeque<RawEvent> pending = new ArrayDeque<>();
  private long sequence;
  private long now;
  private long nextResourceSample;
  private int x = 960;
  private int y = 540;
  private int window = 1;

  public HumanInput(UUID session, long seed, long startMicros) {
    this.session = session;
    this.random = new SplittableRandom(seed);
    this.now = startMicros / MS * MS;
    this.nextResourceSample = now + random.nextLong(RESOURCE_EVERY / MS) * MS;
  }

  public UUID session() {
    return session;
  }

  /** The timestamp of the event {@link #next()} will return. */
  public long peekTimestamp() {
    fill();
    return pending.peekFirst().timestampMicros();
  }

  /** The next event of this person, later than or as late as the previous one. */
  public RawEvent next() {
    fill();
    return pending.pollFirst();
  }

  private void fill() {
    while (pending.isEmpty()) {
      activity();
    }
  }

  /** Appends one activity's events (and the resource samples falling inside it), then a pause. */
  private void activity() {
    int roll = random.nextInt(100);
    if (roll < 45) {
      stroke();
    } else if (roll < 85) {
      typing();
    } else if (roll < 96) {
      switchWindow();
    } else if (roll < 97) {
      String[] p = PROCESSES[random.nextInt(PROCESSES.length)];
      int pid = 20_000 + random.nextInt(30_000);
      emit(seq -> new RawEvent.ProcessStart(now, session, seq, p[0], pid, p[1]));
    } else {
      now += random.nextLong(5_000, 30_000) * MS; // reading, thinking
    }
    now += (long) (-Math.log(1 - random.nextDouble()) * 3_000) * MS + 200 * MS;
  }

  private void stroke() {
    int tx = random.nextInt(1920);
    int ty = random.nextInt(1080);
    int x0 = x;
    int y0 = y;
    long duration = 250 + (long) (Math.hypot(tx - x0, ty - y0) * 0.6) + random.nextInt(250);
    long elapsed = 0;
    while (elapsed < duration) {
      long gap = random.nextLong(8, 31);
      elapsed = Math.min(duration, elapsed + gap);
      now += gap * MS;
      double f = (double) elapsed / duration;
      double ease = f * f * (3 - 2 * f);
      int nx = clamp((int) Math.round(x0 + (tx - x0) * ease) + random.nextInt(-1, 2), 1919);
      int ny = clamp((int) Math.round(y0 + (ty - y0) * ease) + random.nextInt(-1, 2), 1079);
      if (nx != x || ny != y) {
        x = nx;
        y = ny;
        emit(seq -> new RawEvent.MouseMove(now, session, seq, nx, ny));
      }
    }
    if (random.nextInt(10) < 6) {
      now += random.nextLong(60, 300) * MS;
      MouseButton button = random.nextInt(12) == 0 ? MouseButton.RIGHT : MouseButton.LEFT;
      int clicks = random.nextInt(10) == 0 ? 2 : 1;
      emit(seq -> new RawEvent.MouseClick(now, session, seq, x, y, button, clicks));
    }
  }

  private void typing() {
    int keys = random.nextInt(3, 40);
    for (int i = 0; i < keys; i++) {
      // Inter-key intervals of a typist: mostly 80–250 ms, a long tail for hesitations.
      now += (long) (70 + Math.exp(random.nextDouble() * 5.5)) * MS;
      int key = KEYS[(int) Math.min(KEYS.length - 1, -Math.log(1 - random.nextDouble()) * 6)];
      int modifiers = random.nextInt(15) == 0 ? 1 : random.nextInt(40) == 0 ? 2 : 0;
      emit(seq -> new RawEvent.Keystroke(now, session, seq, key, modifiers));
    }
  }

  private void switchWindow() {
    window = random.nextInt(4) == 0 ? random.nextInt(WINDOWS.length) : (window + 1 + random.nextInt(2)) % WINDOWS.length;
    String title = String.format(WINDOWS[window][0], 1 + random.nextInt(40));
    String app = WINDOWS[window][1];
    int pid = 1000 + window;
    emit(seq -> new RawEvent.WindowFocus(now, session, seq, title, app, pid));
  }

  /** Queues the event built for the next sequence number, after the samples due before it. */
  private void emit(LongFunction<RawEvent> event) {
    while (nextResourceSample <= now) {
      pending.add(new RawEvent.ResourceUsage(nextResourceSample, session, sequence++,
          (float) Math.round(2 + random.nextDouble() * 30), 2_000_000_000L + random.nextLong(50) * 4096 * 1024));
      nextResourceSample += RESOURCE_EVERY;
    }
    pending.add(event.apply(sequence++));
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
