package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.RawEvent;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one write adds to the per-minute aggregates.
 *
 * <p>{@code active_time_ms} of a minute is defined as 1000 × the number of distinct seconds of
 * that minute in which at least one input event (keystroke, mouse move or mouse click) occurred.
 * The seconds are kept as a 60-bit mask per minute, so writes that touch the same minute merge
 * exactly (mask OR mask) and the value can be recomputed from the raw events of the minute.
 */
public final class MinuteAggregates {

  public static final long MINUTE_MICROS = 60_000_000L;

  /** Counts of one minute. */
  public static final class Minute {
    public long keystrokes;
    public long mouseClicks;
    public long windowSwitches;
    public long screenshots;
    public long activeSecondsMask;

    public long activeTimeMillis() {
      return Long.bitCount(activeSecondsMask) * 1000L;
    }
  }

  private final TreeMap<Long, Minute> minutes = new TreeMap<>();

  public static long minuteStart(long timestampMicros) {
    return Math.floorDiv(timestampMicros, MINUTE_MICROS) * MINUTE_MICROS;
  }

  private Minute minute(long timestampMicros) {
    return minutes.computeIfAbsent(minuteStart(timestampMicros), k -> new Minute());
  }

  private static long secondBit(long timestampMicros) {
    return 1L << (int) (Math.floorMod(timestampMicros, MINUTE_MICROS) / 1_000_000L);
  }

  public void addEvent(RawEvent e) {
    switch (e.kind()) {
      case KEYSTROKE -> {
        Minute m = minute(e.timestampMicros());
        m.keystrokes++;
        m.activeSecondsMask |= secondBit(e.timestampMicros());
      }
      case MOUSE_MOVE -> minute(e.timestampMicros()).activeSecondsMask |= secondBit(e.timestampMicros());
      case MOUSE_CLICK -> {
        Minute m = minute(e.timestampMicros());
        m.mouseClicks++;
        m.activeSecondsMask |= secondBit(e.timestampMicros());
      }
      case WINDOW_FOCUS -> minute(e.timestampMicros()).windowSwitches++;
      case SCREENSHOT -> addScreenshot(e.timestampMicros());
      default -> {
        // Process starts and resource samples are stored but not part of the minute counts.
      }
    }
  }

  public void addScreenshot(long timestampMicros) {
    minute(timestampMicros).screenshots++;
  }

  public Map<Long, Minute> minutes() {
    return minutes;
  }

  public boolean isEmpty() {
    return minutes.isEmpty();
  }

  public void clear() {
    minutes.clear();
  }
}
