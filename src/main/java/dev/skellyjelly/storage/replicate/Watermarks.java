package dev.skellyjelly.storage.replicate;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How far each local table has been shipped: the last rowid per block day table, and the last
 * (start, id) of the windows. Kept in the local {@code settings} table under {@link #PREFIX}, so
 * replication resumes where it stopped; re-shipping past a lost update is harmless (idempotent).
 */
public final class Watermarks {

  public static final String PREFIX = "replication.watermark.";
  static final String WINDOWS_KEY = PREFIX + "windows";
  private static final UUID NO_ID = new UUID(Long.MIN_VALUE, Long.MIN_VALUE);

  private final Map<String, Long> blocks = new TreeMap<>();
  private long windowStart = Long.MIN_VALUE;
  private UUID windowId = NO_ID;

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

  public Map<String, Long> blocks() {
    return Map.copyOf(blocks);
  }

  Watermarks copy() {
    Watermarks w = new Watermarks();
    w.blocks.putAll(blocks);
    w.windowStart = windowStart;
    w.windowId = windowId;
    return w;
  }

  /** The settings rows holding these marks. */
  JsonObject toSettings() {
    JsonObject s = new JsonObject();
    blocks.forEach((table, rowid) -> s.put(PREFIX + table, String.valueOf(rowid)));
    if (windowStart != Long.MIN_VALUE) {
      s.put(WINDOWS_KEY, windowStart + ":" + windowId);
    }
    return s;
  }

  /** Marks from settings rows (key → value); unknown keys are ignored. */
  static Watermarks fromSettings(Map<String, String> settings) {
    Watermarks w = new Watermarks();
    settings.forEach((key, value) -> {
      if (key.equals(WINDOWS_KEY)) {
        String[] p = value.split(":", 2);
        w.setWindow(Long.parseLong(p[0]), UUID.fromString(p[1]));
      } else if (key.startsWith(PREFIX)) {
        w.blocks.put(key.substring(PREFIX.length()), Long.parseLong(value));
      }
    });
    return w;
  }
}
