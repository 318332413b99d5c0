package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.ScreenshotStorage;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The read-only queries, as JSON in and JSON out, written once against the
 * {@code io.vertx.sqlclient} API and read through a {@link Pool}: the local SQLite file through
 * the Vert.x JDBC client, or the shared PostgreSQL store; {@link SqlDialect} covers what differs.
 * Every bad parameter is an {@link IllegalArgumentException} whose message names it.
 *
 * <ul>
 *   <li>{@code events}: from, to (epoch µs), optional session, kinds, cursor, limit (≤ 10,000) —
 *       one page and the cursor of the next</li>
 *   <li>{@code aggregates}: from, to, optional resolution minute|hour|day (default: minute up to
 *       a day, hour up to 60 days, day beyond); summed over devices in the shared store</li>
 *   <li>{@code windows}: from, to, cursor, limit — one page of the recorded windows and the cursor
 *       of the next; {@code window}: id — one window re-materialised with its events (replay)</li>
 *   <li>{@code screenshots}: from, to, cursor, limit — one page of screenshot metadata and the
 *       cursor of the next</li>
 * </ul>
 */
public final class QueryService {

  public static final int MAX_PAGE = 10_000;

  private final SqlDialect dialect;
  private final BlockCrypto crypto;

  /** Queries in {@code dialect}; {@code crypto} opens encrypted blocks and columns (null: plaintext). */
  public QueryService(SqlDialect dialect, BlockCrypto crypto) {
    this.dialect = dialect;
    this.crypto = crypto;
  }

  /**
   * Runs one query of the local store on a connection of {@code pool}, stopped at {@code deadline}
   * (see {@link #read}); a page of events is read in one snapshot, the one-statement queries
   * without a transaction around them. Null when a window is not found.
   */
  public Future<JsonObject> query(Pool pool, JsonObject q, Deadline deadline) {
    return read(pool, deadline, "events".equals(q.getString("type")), c -> run(c, q, deadline));
  }

  /**
   * Runs {@code query} on a connection of {@code pool}, read-only, with {@code deadline} armed in
   * the back end, in one transaction when {@code oneSnapshot} asks for it or the back end needs
   * one for its deadline. A query stopped at its deadline, or failing after it passed, fails with
   * {@code TIMEOUT}; the connection goes back to the pool usable.
   */
  public Future<JsonObject> read(Pool pool, Deadline deadline, boolean oneSnapshot,
      Function<SqlConnection, Future<JsonObject>> query) {
    Function<SqlConnection, Future<JsonObject>> armed = c -> dialect.begin(c, deadline).compose(v -> query.apply(c));
    Future<JsonObject> answer = oneSnapshot || dialect.deadlineNeedsTransaction()
        ? pool.withTransaction(armed) : pool.withConnection(armed);
    return answer.recover(err -> {
      boolean expected = err instanceof IllegalArgumentException || err instanceof StorageException
          || err instanceof EventReader.StaleCursorException;
      if (dialect.interrupted(err) || (deadline.passed() && !expected)) {
        return Future.failedFuture(deadline.exceeded());
      }
      return Future.failedFuture(err);
    });
  }

  /** Runs one query of the local store (every type) on {@code c}; null when a window is not found. */
  public Future<JsonObject> run(SqlConnection c, JsonObject q, Deadline deadline) {
    String type = q.getString("type");
    if (type == null) {
      return Future.failedFuture(new IllegalArgumentException("parameter 'type' is missing: events, aggregates,"
          + " windows, window or screenshots"));
    }
    try {
      return switch (type) {
        case "events" -> events(c, q, deadline);
        case "aggregates" -> aggregates(c, q);
        case "windows" -> windows(c, q);
        case "window" -> window(c, q, deadline);
        case "screenshots" -> screenshots(c, q);
        default -> throw new IllegalArgumentException("parameter 'type' = '" + type + "' is not one of"
            + " events, aggregates, windows, window, screenshots");
      };
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
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

  private Future<JsonObject> events(SqlConnection c, JsonObject q, Deadline deadline) {
    EventReader.Range range = range(q);
    String cursorText = q.getString("cursor");
    EventReader.Cursor cursor;
    try {
      cursor = cursorText == null ? null : EventReader.Cursor.parse(cursorText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("parameter 'cursor': " + e.getMessage());
    }
    return new EventReader(c, crypto, deadline).page(range, cursor, limit(q)).map(page -> {
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
    });
  }

  /** Skipped blocks as typed errors: {code: DECODE, table, block, message}. */
  static JsonArray unreadableJson(List<EventReader.UnreadableBlock> blocks) {
    JsonArray errors = new JsonArray();
    for (EventReader.UnreadableBlock b : blocks) {
      errors.add(new JsonObject().put("code", b.code()).put("table", b.table()).put("block", b.rowid())
          .put("message", "block " + b.rowid() + " of " + b.table() + " was skipped: " + b.reason()));
    }
    return errors;
  }

  /**
   * The aggregate rows of [from, to) at the query's resolution; in the shared store each row is
   * the sum over devices and says how many devices it counts.
   */
  public Future<JsonObject> aggregates(SqlConnection c, JsonObject q) {
    long from = micros(q, "from");
    long to = micros(q, "to");
    if (to <= from) {
      throw new IllegalArgumentException("parameter 'to' must be after 'from'");
    }
    AggregateTable t = aggregateTable(q, from, to);
    boolean shared = dialect.sharedByDevices();
    String sql = "SELECT " + t.key() + ", " + MinuteRows.COUNT_SUMS + (shared ? ", count(DISTINCT device_id)" : "")
        + " FROM " + t.table() + " WHERE " + t.key() + " >= ? AND " + t.key() + " < ?"
        + " GROUP BY " + t.key() + " ORDER BY " + t.key();
    return c.preparedQuery(dialect.sql(sql)).execute(Tuple.of(from, to)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        JsonObject row = new JsonObject().put("startMicros", r.getLong(0)).put("keystrokes", r.getLong(1))
            .put("mouseClicks", r.getLong(2)).put("windowSwitches", r.getLong(3))
            .put("activeTimeMs", r.getLong(4)).put("screenshots", r.getLong(5));
        if (shared) {
          row.put("devices", r.getLong(6));
        }
        out.add(row);
      }
      JsonObject reply = new JsonObject().put("resolution", t.resolution());
      if (shared) {
        reply.put("scope", "all");
      }
      return reply.put("rows", out);
    });
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

  /** Maps one row of a page (its key columns first) to JSON. */
  private interface RowMapper {
    JsonObject map(Row r);
  }

  /**
   * One page of rows of {@code table} in [from, to) of {@code timeColumn}, ordered by the key
   * (the time, in the shared store the device, then {@code idColumn}), after the cursor of the
   * previous page — the key's values joined by ':'; {@code next} is the cursor of the last row
   * of the page when more follow, else null.
   */
  private Future<JsonObject> rangePage(SqlConnection c, JsonObject q, String columns, String table,
      String timeColumn, String idColumn, String field, RowMapper mapper) {
    long from = micros(q, "from");
    long to = micros(q, "to");
    int limit = limit(q);
    boolean shared = dialect.sharedByDevices();
    String key = timeColumn + (shared ? ", device_id, " : ", ") + idColumn;
    int keyColumns = shared ? 3 : 2;
    Tuple args = Tuple.of(from, to);
    String cursor = q.getString("cursor");
    String after = "";
    if (cursor != null) {
      String[] p = cursor.split(":");
      try {
        if (p.length != keyColumns) {
          throw new IllegalArgumentException("wrong number of parts");
        }
        args.addValue(Long.parseLong(p[0]));
        for (int i = 1; i < keyColumns; i++) {
          args.addValue(dialect.uuid(UUID.fromString(p[i])));
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("parameter 'cursor' = '" + cursor + "' is not one "
            + dialect.cursorOrigin() + " returned");
      }
      after = " AND (" + key + ") > (" + (shared ? "?, ?, ?" : "?, ?") + ")";
    }
    args.addValue(limit + 1);
    String sql = "SELECT " + key + ", " + columns + " FROM " + table + " WHERE " + timeColumn + " >= ? AND "
        + timeColumn + " < ?" + after + " ORDER BY " + key + " LIMIT ?";
    return c.preparedQuery(dialect.sql(sql)).execute(args).map(rows -> {
      JsonArray out = new JsonArray();
      String next = null;
      String last = null;
      for (Row r : rows) {
        if (out.size() == limit) {
          next = last; // a row beyond the page exists
          break;
        }
        out.add(mapper.map(r));
        StringBuilder k = new StringBuilder().append(r.getLong(0));
        for (int i = 1; i < keyColumns; i++) {
          k.append(':').append(dialect.uuid(r, i));
        }
        last = k.toString();
      }
      return new JsonObject().put(field, out).put("next", next);
    });
  }

  /** One page of recorded windows; in the shared store each names its device. */
  public Future<JsonObject> windows(SqlConnection c, JsonObject q) {
    boolean shared = dialect.sharedByDevices();
    int id = shared ? 2 : 1;
    return rangePage(c, q, "end_us, event_count", "windows", "start_us", "window_id", "windows", r -> {
      JsonObject w = new JsonObject().put("windowId", dialect.uuid(r, id).toString());
      if (shared) {
        w.put("device", dialect.uuid(r, 1).toString());
      }
      return w.put("startMicros", r.getLong(0)).put("endMicros", r.getLong(id + 1))
          .put("eventCount", r.getInteger(id + 2));
    });
  }

  /** Replay: the window as the Analysis Engine received it (events in session, sequence order). */
  private Future<JsonObject> window(SqlConnection c, JsonObject q, Deadline deadline) {
    UUID id;
    try {
      id = UUID.fromString(String.valueOf(q.getValue("id")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter 'id' = '" + q.getValue("id") + "' is not a window id (UUID)");
    }
    return c.preparedQuery(dialect.sql("SELECT start_us, end_us, members, screenshot_refs FROM windows"
        + " WHERE window_id = ?")).execute(Tuple.of(dialect.uuid(id))).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row r = rows.iterator().next();
          long start = r.getLong(0);
          long end = r.getLong(1);
          JsonArray refs = new JsonArray();
          for (ScreenshotId ref : WindowRows.readScreenshotRefs(SqlDialect.bytes(r, 3))) {
            refs.add(ref.toString());
          }
          return new WindowReplay(c, crypto, deadline).events(WindowMembers.decode(SqlDialect.bytes(r, 2)))
              .map(members -> {
                JsonArray events = new JsonArray();
                for (RawEvent e : members) {
                  events.add(EventJson.toJson(e));
                }
                return new JsonObject().put("windowId", id.toString()).put("startMicros", start)
                    .put("endMicros", end).put("events", events).put("screenshotRefs", refs);
              });
        });
  }

  /** A sensitive text column, opened when sealed; a value that does not open is an error naming the row. */
  private String text(Row r, int column, String name) {
    if (!SqlDialect.holdsBytes(r, column)) {
      return r.getString(column);
    }
    UUID id = dialect.uuid(r, 1);
    if (crypto == null) {
      throw new BlockDecryptException(name + " of screenshot " + id + " is encrypted; set [encryption] enabled");
    }
    try {
      return crypto.openText(SqlDialect.bytes(r, column), id, name);
    } catch (dev.skellyjelly.storage.crypto.DecryptException e) {
      throw new BlockDecryptException(name + " of screenshot " + id + " does not decrypt: " + e.getMessage());
    }
  }

  private Future<JsonObject> screenshots(SqlConnection c, JsonObject q) {
    return rangePage(c, q, "session_id, sequence, window_title, app_name, region_x, region_y,"
            + " region_width, region_height, width, height, format, size_bytes, storage, text_density,"
            + " ui_element_count, dominant_colors, privacy_masked, analysis_error", "screenshot_metadata",
        "timestamp_us", "screenshot_id", "screenshots",
        r -> new ScreenshotMetadata(new ScreenshotId(dialect.uuid(r, 1)), r.getLong(0), dialect.uuid(r, 2),
            r.getLong(3), text(r, 4, "window_title"), text(r, 5, "app_name"),
            new ScreenRegion(r.getInteger(6), r.getInteger(7), r.getInteger(8), r.getInteger(9)),
            r.getInteger(10), r.getInteger(11), ImageFormat.valueOf(r.getString(12)), r.getLong(13),
            ScreenshotStorage.fromLabel(r.getString(14)), r.getDouble(15), r.getInteger(16),
            r.getString(17) == null ? null : new JsonArray(r.getString(17)).stream().map(String::valueOf).toList(),
            r.getInteger(18) == 1, r.getString(19)).toJson());
  }
}
