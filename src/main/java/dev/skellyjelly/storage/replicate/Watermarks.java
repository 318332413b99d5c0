package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.Schema;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How far each local table has been shipped: the last rowid per block day table, the last
 * (start, id) of the windows, the last session key whose sequence ranges were swept, and the last
 * change number ({@link Schema#CHANGE_COUNTER}) shipped of the minute aggregates, the screenshot
 * metadata and the blocks rewritten in place. Kept in the local {@code settings} table under {@link #PREFIX}, so
 * replication resumes where it stopped; re-shipping past a lost update is harmless (idempotent).
 */
public final class Watermarks {

  public static final String PREFIX = "replication.watermark.";
  static final String WINDOWS_KEY = PREFIX + "windows";
  static final String MINUTES_KEY = PREFIX + "change.minutes";
  static final String SCREENSHOTS_KEY = PREFIX + "change.screenshots";
  static final String SESSIONS_KEY = PREFIX + "sessions";
  static final String REWRITTEN_KEY = PREFIX + "change.rewritten_blocks";
  private static final UUID NO_ID = new UUID(Long.MIN_VALUE, Long.MIN_VALUE);

  private final Map<String, Long> blocks = new TreeMap<>();
  private long windowStart = Long.MIN_VALUE;
  private UUID windowId = NO_ID;
  private long minutes;
  private long screenshots;
  private long sessions;
  private long rewritten;

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

  long minutes() {
    return minutes;
  }

  void setMinutes(long changeSeq) {
    minutes = changeSeq;
  }

  long screenshots() {
    return screenshots;
  }

  void setScreenshots(long changeSeq) {
    screenshots = changeSeq;
  }

  long sessions() {
    return sessions;
  }

  void setSessions(long sessionKey) {
    sessions = sessionKey;
  }

  long rewritten() {
    return rewritten;
  }

  void setRewritten(long changeSeq) {
    rewritten = changeSeq;
  }

  public Map<String, Long> blocks() {
    return Map.copyOf(blocks);
  }

  Watermarks copy() {
    Watermarks w = new Watermarks();
    w.blocks.putAll(blocks);
    w.windowStart = windowStart;
    w.windowId = windowId;
    w.minutes = minutes;
    w.screenshots = screenshots;
    w.sessions = sessions;
    w.rewritten = rewritten;
    return w;
  }

  /** The settings rows holding these marks. */
  JsonObject toSettings() {
    JsonObject s = new JsonObject();
    blocks.forEach((table, rowid) -> s.put(PREFIX + table, String.valueOf(rowid)));
    if (windowStart != Long.MIN_VALUE) {
      s.put(WINDOWS_KEY, windowStart + ":" + windowId);
    }
    s.put(MINUTES_KEY, String.valueOf(minutes));
    s.put(SCREENSHOTS_KEY, String.valueOf(screenshots));
    s.put(SESSIONS_KEY, String.valueOf(sessions));
    s.put(REWRITTEN_KEY, String.valueOf(rewritten));
    return s;
  }

  /** The marks stored in {@code c}'s settings. */
  static Watermarks read(java.sql.Connection c) throws java.sql.SQLException {
    return fromSettings(dev.skellyjelly.storage.store.Settings.withPrefix(c, PREFIX));
  }

  /**
   * Marks from settings rows (key → value). Other keys are ignored, among them the screenshot time
   * mark of schema 3 ({@code replication.watermark.screenshots}): schema 4 numbered every existing
   * row, so a device upgraded from it ships its minutes and screenshot rows again, once.
   */
  static Watermarks fromSettings(Map<String, String> settings) {
    Watermarks w = new Watermarks();
    settings.forEach((key, value) -> {
      switch (key) {
        case WINDOWS_KEY -> {
          String[] p = value.split(":", 2);
          w.setWindow(Long.parseLong(p[0]), UUID.fromString(p[1]));
        }
        case MINUTES_KEY -> w.minutes = Long.parseLong(value);
        case SCREENSHOTS_KEY -> w.screenshots = Long.parseLong(value);
        case SESSIONS_KEY -> w.sessions = Long.parseLong(value);
        case REWRITTEN_KEY -> w.rewritten = Long.parseLong(value);
        default -> {
          if (key.startsWith(PREFIX + Schema.BLOCK_TABLE_PREFIX)) {
            w.blocks.put(key.substring(PREFIX.length()), Long.parseLong(value));
          }
        }
      }
    });
    return w;
  }
}
