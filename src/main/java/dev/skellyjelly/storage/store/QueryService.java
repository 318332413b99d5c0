package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.ScreenshotStorage;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.event.Uuids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The read-only queries, as JSON in and JSON out, on one read-only connection. Every bad
 * parameter is an {@link IllegalArgumentException} whose message names it.
 *
 * <ul>
 *   <li>{@code events}: from, to (epoch µs), optional session, kinds, cursor, limit (≤ 10,000) —
 *       one page and the cursor of the next</li>
 *   <li>{@code aggregates}: from, to, optional resolution minute|hour|day (default: minute up to
 *       a day, hour up to 60 days, day beyond)</li>
 *   <li>{@code windows}: from, to, cursor, limit — one page of the recorded windows and the cursor
 *       of the next; {@code window}: id — one window re-materialised with its events (replay)</li>
 *   <li>{@code screenshots}: from, to, cursor, limit — one page of screenshot metadata and the
 *       cursor of the next</li>
 * </ul>
 */
public final class QueryService {

  public static final int MAX_PAGE = 10_000;

  private QueryService() {
  }

  /** Runs a query on a plaintext database. */
  public static JsonObject run(Connection c, JsonObject q, Consumer<Statement> onStatement)
      throws SQLException {
    return run(c, null, q, onStatement);
  }

  /** Runs a query; {@code crypto} opens encrypted blocks and columns (null: plaintext database). */
  public static JsonObject run(Connection c, BlockCrypto crypto, JsonObject q, Consumer<Statement> onStatement)
      throws SQLException {
    String type = q.getString("type");
    if (type == null) {
      throw new IllegalArgumentException("parameter 'type' is missing: events, aggregates, windows,"
          + " window or screenshots");
    }
    return switch (type) {
      case "events" -> events(c, crypto, q, onStatement);
      case "aggregates" -> aggregates(c, q, onStatement);
      case "windows" -> windows(c, q, onStatement);
      case "window" -> window(c, crypto, q);
      case "screenshots" -> screenshots(c, crypto, q, onStatement);
      default -> throw new IllegalArgumentException("parameter 'type' = '" + type + "' is not one of"
          + " events, aggregates, windows, window, screenshots");
    };
  }

  public static long micros(JsonObject q, String name) {
    return dev.skellyjelly.storage.time.Timestamps.micros(q.getValue(name), "parameter '" + name + "'");
  }

  public static int limit(JsonObject q) {
    Object v = q.getValue("limit", 1000);
    int n;
    try {
      n = v instanceof Number num ? num.intValue() : Integer.parseInt(v.toString());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_PAGE) {
      throw new IllegalArgumentException("parameter 'limit' = " + v + " must be 1.." + MAX_PAGE);
    }
    return n;
  }

  public static EventReader.Range range(JsonObject q) {
    UUID session = null;
    if (q.getValue("session") != null) {
      try {
        session = UUID.fromString(q.getValue("session").toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("parameter 'session' = '" + q.getValue("session")
            + "' is not a UUID");
      }
    }
    Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
    Object k = q.getValue("kinds");
    if (k != null) {
      Iterable<?> names = k instanceof JsonArray a ? a : java.util.Arrays.asList(k.toString().split(","));
      for (Object name : names) {
        try {
          kinds.add(EventKind.fromName(name.toString().trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("parameter 'kinds': " + e.getMessage());
        }
      }
    }
    return new EventReader.Range(micros(q, "from"), micros(q, "to"), session, kinds);
  }

  private static JsonObject events(Connection c, BlockCrypto crypto, JsonObject q,
      Consumer<Statement> onStatement) throws SQLException {
    EventReader.Range range = range(q);
    String cursorText = q.getString("cursor");
    EventReader.Cursor cursor;
    try {
      cursor = cursorText == null ? null : EventReader.Cursor.parse(cursorText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("parameter 'cursor': " + e.getMessage());
    }
    EventReader.Page page = new EventReader(c, crypto).page(range, cursor, limit(q), onStatement);
    JsonArray events = new JsonArray();
    for (RawEvent e : page.events()) {
      events.add(EventJson.toJson(e));
    }
    JsonObject reply = new JsonObject().put("events", events)
        .put("next", page.next() == null ? null : page.next().encode());
    if (!page.unreadable().isEmpty()) {
      reply.put("errors", unreadableJson(page.unreadable()));
    }
    return reply;
  }

  /** Skipped blocks as typed errors: {code: DECODE, table, block, message}. */
  static JsonArray unreadableJson(java.util.List<EventReader.UnreadableBlock> blocks) {
    JsonArray errors = new JsonArray();
    for (EventReader.UnreadableBlock b : blocks) {
      errors.add(new JsonObject().put("code", b.code()).put("table", b.table()).put("block", b.rowid())
          .put("message", "block " + b.rowid() + " of " + b.table() + " was skipped: " + b.reason()));
    }
    return errors;
  }

  private static JsonObject aggregates(Connection c, JsonObject q, Consumer<Statement> onStatement)
      throws SQLException {
    long from = micros(q, "from");
    long to = micros(q, "to");
    if (to <= from) {
      throw new IllegalArgumentException("parameter 'to' must be after 'from'");
    }
    AggregateTable t = aggregateTable(q, from, to);
    String resolution = t.resolution();
    String table = t.table();
    String key = t.key();
    JsonArray rows = new JsonArray();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", keystroke_count, mouse_clicks,"
        + " window_switches, active_time_ms, screenshot_count FROM " + table + " WHERE " + key
        + " >= ? AND " + key + " < ? ORDER BY " + key)) {
      onStatement.accept(ps);
      ps.setLong(1, from);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new JsonObject().put("startMicros", rs.getLong(1)).put("keystrokes", rs.getLong(2))
              .put("mouseClicks", rs.getLong(3)).put("windowSwitches", rs.getLong(4))
              .put("activeTimeMs", rs.getLong(5)).put("screenshots", rs.getLong(6)));
        }
      }
    }
    return new JsonObject().put("resolution", resolution).put("rows", rows);
  }

  /** The aggregate table a query reads: its resolution, table name and time-key column. */
  public record AggregateTable(String resolution, String table, String key) {
  }

  /**
   * The table of the query's {@code resolution} (default: minute up to a day, hour up to 60 days,
   * day beyond); the same names in SQLite and in the shared PostgreSQL.
   */
  public static AggregateTable aggregateTable(JsonObject q, long from, long to) {
    String resolution = q.getString("resolution", to - from <= Maintenance.DAY_MICROS ? "minute"
        : to - from <= 60 * Maintenance.DAY_MICROS ? "hour" : "day");
    return switch (resolution) {
      case "minute" -> new AggregateTable(resolution, "event_aggregates_minute", "minute_start_us");
      case "hour" -> new AggregateTable(resolution, "event_aggregates_hourly", "hour_start_us");
      case "day" -> new AggregateTable(resolution, "event_aggregates_daily", "day_start_us");
      default -> throw new IllegalArgumentException("parameter 'resolution' = '" + resolution
          + "' must be minute, hour or day");
    };
  }

  private interface RowMapper {
    JsonObject map(ResultSet rs) throws SQLException;
  }

  /**
   * One page of rows of {@code table} in [from, to) ordered by ({@code timeColumn}, {@code idColumn}),
   * after the cursor "time:id" of the previous page; {@code next} is the cursor of the row after
   * the page, or null at the end.
   */
  private static JsonObject rangePage(Connection c, JsonObject q, Consumer<Statement> onStatement,
      String columns, String table, String timeColumn, String idColumn, String field, RowMapper mapper)
      throws SQLException {
    long from = micros(q, "from");
    long to = micros(q, "to");
    int limit = limit(q);
    long afterTime = Long.MIN_VALUE;
    byte[] afterId = new byte[0];
    String cursor = q.getString("cursor");
    if (cursor != null) {
      String[] p = cursor.split(":");
      try {
        afterTime = Long.parseLong(p[0]);
        afterId = Uuids.toBytes(UUID.fromString(p[1]));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("parameter 'cursor' = '" + cursor + "' is not one this module returned");
      }
    }
    JsonArray rows = new JsonArray();
    String next = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + timeColumn + ", " + idColumn + ", " + columns
        + " FROM " + table + " WHERE " + timeColumn + " >= ? AND " + timeColumn + " < ?"
        + " AND (" + timeColumn + " > ? OR (" + timeColumn + " = ? AND " + idColumn + " > ?))"
        + " ORDER BY " + timeColumn + ", " + idColumn + " LIMIT ?")) {
      onStatement.accept(ps);
      ps.setLong(1, from);
      ps.setLong(2, to);
      ps.setLong(3, afterTime);
      ps.setLong(4, afterTime);
      ps.setBytes(5, afterId);
      ps.setInt(6, limit + 1);
      String last = null;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rows.size() == limit) {
            next = last; // a row beyond the page exists
            break;
          }
          rows.add(mapper.map(rs));
          last = rs.getLong(1) + ":" + Uuids.fromBytes(rs.getBytes(2));
        }
      }
    }
    return new JsonObject().put(field, rows).put("next", next);
  }

  private static JsonObject windows(Connection c, JsonObject q, Consumer<Statement> onStatement)
      throws SQLException {
    return rangePage(c, q, onStatement, "end_us, event_count", "windows", "start_us", "window_id", "windows",
        rs -> new JsonObject().put("windowId", Uuids.fromBytes(rs.getBytes(2)).toString())
            .put("startMicros", rs.getLong(1)).put("endMicros", rs.getLong(3))
            .put("eventCount", rs.getInt(4)));
  }

  /** Replay: the window as the Analysis Engine received it (events in session, sequence order). */
  private static JsonObject window(Connection c, BlockCrypto crypto, JsonObject q) throws SQLException {
    UUID id;
    try {
      id = UUID.fromString(String.valueOf(q.getValue("id")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter 'id' = '" + q.getValue("id") + "' is not a window id (UUID)");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT start_us, end_us, members, screenshot_refs"
        + " FROM windows WHERE window_id = ?")) {
      ps.setBytes(1, Uuids.toBytes(id));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long start = rs.getLong(1);
        long end = rs.getLong(2);
        JsonArray events = new JsonArray();
        for (RawEvent e : new EventReader(c, crypto).window(start, end, WindowMembers.decode(rs.getBytes(3)))) {
          events.add(EventJson.toJson(e));
        }
        JsonArray refs = new JsonArray();
        for (ScreenshotId ref : WindowRows.readScreenshotRefs(rs.getBytes(4))) {
          refs.add(ref.toString());
        }
        return new JsonObject().put("windowId", id.toString()).put("startMicros", start)
            .put("endMicros", end).put("events", events).put("screenshotRefs", refs);
      }
    }
  }

  /** A sensitive text column, opened when sealed; a value that does not open is an error naming the row. */
  private static String text(BlockCrypto crypto, ResultSet rs, int column, String name) throws SQLException {
    Object stored = rs.getObject(column);
    if (!(stored instanceof byte[])) {
      return stored == null ? null : stored.toString();
    }
    UUID id = Uuids.fromBytes(rs.getBytes(2));
    if (crypto == null) {
      throw new BlockDecryptException(name + " of screenshot " + id + " is encrypted; set [encryption] enabled");
    }
    try {
      return crypto.openText(stored, id, name);
    } catch (dev.skellyjelly.storage.crypto.DecryptException e) {
      throw new BlockDecryptException(name + " of screenshot " + id + " does not decrypt: " + e.getMessage());
    }
  }

  private static JsonObject screenshots(Connection c, BlockCrypto crypto, JsonObject q,
      Consumer<Statement> onStatement) throws SQLException {
    return rangePage(c, q, onStatement, "session_id, sequence, window_title, app_name, region_x, region_y,"
            + " region_width, region_height, width, height, format, size_bytes, storage, text_density,"
            + " ui_element_count, dominant_colors, privacy_masked, analysis_error", "screenshot_metadata",
        "timestamp_us", "screenshot_id", "screenshots",
        rs -> new ScreenshotMetadata(new ScreenshotId(Uuids.fromBytes(rs.getBytes(2))), rs.getLong(1),
            Uuids.fromBytes(rs.getBytes(3)), rs.getLong(4), text(crypto, rs, 5, "window_title"),
            text(crypto, rs, 6, "app_name"), new ScreenRegion(rs.getInt(7), rs.getInt(8), rs.getInt(9),
            rs.getInt(10)), rs.getInt(11), rs.getInt(12), ImageFormat.valueOf(rs.getString(13)), rs.getLong(14),
            ScreenshotStorage.fromLabel(rs.getString(15)), nullable(rs.getDouble(16), rs),
            nullable(rs.getInt(17), rs), rs.getString(18) == null ? null
                : new JsonArray(rs.getString(18)).stream().map(String::valueOf).toList(),
            rs.getInt(19) == 1, rs.getString(20)).toJson());
  }

  /** {@code value}, or {@code null} when the column just read was SQL NULL. */
  private static <T> T nullable(T value, ResultSet rs) throws SQLException {
    return rs.wasNull() ? null : value;
  }
}
