package dev.skellyjelly.storage.replicate;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How far each local table has been shipped: the last rowid per block day table, the last
 * (start, id) of the windows, and the newest screenshot metadata time with the ids shipped within
 * the look-back before it (kept in memory only: after a restart the look-back ships again, which
 * is harmless). Kept in the local {@code settings} table under {@link #PREFIX}, so
 * replication resumes where it stopped; re-shipping past a lost update is harmless (idempotent).
 */
public final class Watermarks {

  public static final String PREFIX = "replication.watermark.";
  static final String WINDOWS_KEY = PREFIX + "windows";
  static final String SCREENSHOTS_KEY = PREFIX + "screenshots";
  private static final UUID NO_ID = new UUID(Long.MIN_VALUE, Long.MIN_VALUE);

  private final Map<String, Long> blocks = new TreeMap<>();
  private long windowStart = Long.MIN_VALUE;
  private UUID windowId = NO_ID;
  private long screenshotTime = Long.MIN_VALUE;
  /** Screenshot rows shipped within the look-back before {@link #screenshotTime} (id → time). */
  private final Map<UUID, Long> recentScreenshots = new java.util.HashMap<>();

  public long block(String dayTable) {
    return blocks.getOrDefault(dayTable, 0L);
  }

  void setBlock(String dayTable, long rowid) {
    blocks.put(dayTable, rowid);
  }

  long windowStart() {
    return windowStart;
  }

  UUID windowId() {
    return windowId;
  }

  void setWindow(long start, UUID id) {
    windowStart = start;
    windowId = id;
  }

  long screenshotTime() {
    return screenshotTime;
  }

  boolean screenshotShipped(UUID id) {
    return recentScreenshots.containsKey(id);
  }

  /** Records a shipped screenshot row; forgets those older than the look-back. */
  void shippedScreenshot(UUID id, long time, long lookBackMicros) {
    recentScreenshots.put(id, time);
    screenshotTime = Math.max(screenshotTime, time);
    long horizon = screenshotTime - lookBackMicros;
    recentScreenshots.values().removeIf(t -> t < horizon);
  }

  public Map<String, Long> blocks() {
    return Map.copyOf(blocks);
  }

  Watermarks copy() {
    Watermarks w = new Watermarks();
    w.blocks.putAll(blocks);
    w.windowStart = windowStart;
    w.windowId = windowId;
    w.screenshotTime = screenshotTime;
    w.recentScreenshots.putAll(recentScreenshots);
    return w;
  }

  /** The settings rows holding these marks. */
  JsonObject toSettings() {
    JsonObject s = new JsonObject();
    blocks.forEach((table, rowid) -> s.put(PREFIX + table, String.valueOf(rowid)));
    if (windowStart != Long.MIN_VALUE) {
      s.put(WINDOWS_KEY, windowStart + ":" + windowId);
    }
    if (screenshotTime != Long.MIN_VALUE) {
      s.put(SCREENSHOTS_KEY, String.valueOf(screenshotTime));
    }
    return s;
  }

  /** Marks from settings rows (key → value); unknown keys are ignored. */
  static Watermarks fromSettings(Map<String, String> settings) {
    Watermarks w = new Watermarks();
    settings.forEach((key, value) -> {
      if (key.equals(SCREENSHOTS_KEY)) {
        w.screenshotTime = Long.parseLong(value);
      } else if (key.equals(WINDOWS_KEY)) {
        String[] p = value.split(":", 2);
        w.setWindow(Long.parseLong(p[0]), UUID.fromString(p[1]));
      } else if (key.startsWith(PREFIX)) {
        w.blocks.put(key.substring(PREFIX.length()), Long.parseLong(value));
      }
    });
    return w;
  }
}
