package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * The aggregate rows of [from, to) at the query's resolution (default: minute up to a day, hour
 * up to 60 days, day beyond); the same tables in SQLite and in the shared PostgreSQL, where each
 * row is the sum over devices and says how many devices it counts.
 */
final class AggregateQuery {

  /** The aggregate table a query reads: its resolution, table name and time-key column. */
  record Table(String resolution, String name, String key) {
  }

  private AggregateQuery() {
  }

  static Future<JsonObject> run(ReadSession session, SqlDialect dialect, JsonObject q) {
    long from = QueryParameters.micros(q, "from");
    long to = QueryParameters.micros(q, "to");
    if (to <= from) {
      throw new IllegalArgumentException("parameter 'to' must be after 'from'");
    }
    Table t = table(q, from, to);
    boolean shared = dialect.sharedByDevices();
    // One row per time key locally; the shared store has one per device and key, summed here.
    String sql = "SELECT " + t.key() + ", "
        + (shared ? MinuteRows.COUNT_SUMS + ", count(DISTINCT device_id)" : MinuteRows.COUNT_COLUMNS)
        + " FROM " + t.name() + " WHERE " + t.key() + " >= ? AND " + t.key() + " < ?"
        + (shared ? " GROUP BY " + t.key() : "") + " ORDER BY " + t.key();
    JsonArray out = new JsonArray();
    return session.visit(sql, Tuple.of(from, to), r -> {
      JsonObject row = new JsonObject().put("startMicros", r.getLong(0)).put("keystrokes", r.getLong(1))
          .put("mouseClicks", r.getLong(2)).put("windowSwitches", r.getLong(3))
          .put("activeTimeMs", r.getLong(4)).put("screenshots", r.getLong(5));
      if (shared) {
        row.put("devices", r.getLong(6));
      }
      return out.add(row) != null;
    }).map(v -> {
      JsonObject reply = new JsonObject().put("resolution", t.resolution());
      if (shared) {
        reply.put("scope", "all");
      }
      return reply.put("rows", out);
    });
  }

  /** The table of the query's {@code resolution}. */
  static Table table(JsonObject q, long from, long to) {
    String resolution = q.getString("resolution", to - from <= Maintenance.DAY_MICROS ? "minute"
        : to - from <= 60 * Maintenance.DAY_MICROS ? "hour" : "day");
    return switch (resolution) {
      case "minute" -> new Table(resolution, "event_aggregates_minute", "minute_start_us");
      case "hour" -> new Table(resolution, "event_aggregates_hourly", "hour_start_us");
      case "day" -> new Table(resolution, "event_aggregates_daily", "day_start_us");
      default -> throw new IllegalArgumentException("parameter 'resolution' = '" + resolution
          + "' must be minute, hour or day");
    };
  }
}
