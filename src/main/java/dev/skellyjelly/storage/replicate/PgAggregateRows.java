package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.Maintenance;
import dev.skellyjelly.storage.store.MinuteRows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The aggregate rows (minute, hourly, daily) of one device in PostgreSQL, in a shipping transaction. */
final class PgAggregateRows {

  private PgAggregateRows() {
  }

  /**
   * Replaces the device's minute rows by their current values, then recomputes the hourly and
   * daily rows of the hours and days they fall in from them.
   */
  static Future<Void> replace(SqlConnection c, UUID device, List<LocalChanges.Minute> minutes) {
    if (minutes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    Set<Long> hours = new LinkedHashSet<>();
    Set<Long> days = new LinkedHashSet<>();
    for (LocalChanges.Minute m : minutes) {
      rows.add(Tuple.from(new Object[] {device, m.startMicros(), m.keystrokes(), m.mouseClicks(),
          m.windowSwitches(), m.activeTimeMs(), m.screenshots(), m.activeSecondsMask()}));
      hours.add(Math.floorDiv(m.startMicros(), Maintenance.HOUR_MICROS) * Maintenance.HOUR_MICROS);
      days.add(Math.floorDiv(m.startMicros(), Maintenance.DAY_MICROS) * Maintenance.DAY_MICROS);
    }
    List<Tuple> hourRows = hours.stream().map(h -> Tuple.of(device, h, h + Maintenance.HOUR_MICROS)).toList();
    List<Tuple> dayRows = days.stream().map(d -> Tuple.of(device, d, d + Maintenance.DAY_MICROS)).toList();
    return PgShipper.batch(c, "INSERT INTO event_aggregates_minute (device_id, minute_start_us, "
        + MinuteRows.COUNT_COLUMNS + ", active_seconds_mask) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        + " ON CONFLICT (device_id, minute_start_us) DO UPDATE SET " + MinuteRows.COUNTS_FROM_EXCLUDED
        + ", active_seconds_mask = excluded.active_seconds_mask", rows)
        .compose(v -> PgShipper.batch(c, rollup("event_aggregates_hourly", "hour_start_us",
            "event_aggregates_minute", "minute_start_us", Maintenance.HOUR_MICROS), hourRows))
        .compose(v -> PgShipper.batch(c, rollup("event_aggregates_daily", "day_start_us",
            "event_aggregates_hourly", "hour_start_us", Maintenance.DAY_MICROS), dayRows));
  }

  /** Recomputes one row of {@code target} (device $1, period [$2, $3)) from the finer table. */
  private static String rollup(String target, String key, String source, String sourceKey, long period) {
    return "INSERT INTO " + target + " (device_id, " + key + ", " + MinuteRows.COUNT_COLUMNS
        + ") SELECT device_id, (" + sourceKey + " / " + period + ") * " + period + ", " + MinuteRows.COUNT_SUMS + " FROM " + source
        + " WHERE device_id = $1 AND " + sourceKey + " >= $2 AND " + sourceKey + " < $3 GROUP BY 1, 2"
        + " ON CONFLICT (device_id, " + key + ") DO UPDATE SET " + MinuteRows.COUNTS_FROM_EXCLUDED;
  }
}
