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
    String sql = "SELECT " + t.key() + ", " + MinuteRows.COUNT_SUMS + (shared ? ", count(DISTINCT device_id)" : "")
        + " FROM " + t.name() + " WHERE " + t.key() + " >= ? AND " + t.key() + " < ?"
        + " GROUP BY " + t.key() + " ORDER BY " + t.key();
    return session.select(sql, Tuple.of(from, to)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Tuple r : rows) {
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
