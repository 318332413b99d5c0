package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The per-minute aggregate rows ({@code event_aggregates_minute}) and the column lists every
 * aggregate table (minute, hourly, daily) shares.
 */
public final class MinuteRows {

  private static final List<String> COUNTS =
      List.of("keystroke_count", "mouse_clicks", "window_switches", "active_time_ms", "screenshot_count");
  /** The count columns of every aggregate table, in this order. */
  public static final String COUNT_COLUMNS = String.join(", ", COUNTS);
  /** The sums of {@link #COUNT_COLUMNS}, for rolling finer rows up into coarser ones. */
  public static final String COUNT_SUMS =
      COUNTS.stream().map(c -> "sum(" + c + ")").collect(Collectors.joining(", "));
  /** An upsert's {@code SET} list replacing every count with the inserted row's. */
  public static final String COUNTS_FROM_EXCLUDED =
      COUNTS.stream().map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));

  private MinuteRows() {
  }

  /**
   * Adds one commit's counts to their minutes' rows. Counts add up; the active seconds are
   * OR-ed with the stored mask, so a minute written by several commits counts each second once.
   */
  static void add(Connection c, MinuteAggregates aggregates) throws SQLException {
    if (aggregates.isEmpty()) {
      return;
    }
    try (PreparedStatement read = c.prepareStatement(
            "SELECT active_seconds_mask FROM event_aggregates_minute WHERE minute_start_us = ?");
        PreparedStatement upsert = c.prepareStatement(
            "INSERT INTO event_aggregates_minute (minute_start_us, " + COUNT_COLUMNS
                + ", active_seconds_mask) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(minute_start_us) DO UPDATE SET"
                + " keystroke_count = keystroke_count + excluded.keystroke_count,"
                + " mouse_clicks = mouse_clicks + excluded.mouse_clicks,"
                + " window_switches = window_switches + excluded.window_switches,"
                + " screenshot_count = screenshot_count + excluded.screenshot_count,"
                + " active_time_ms = excluded.active_time_ms,"
                + " active_seconds_mask = excluded.active_seconds_mask")) {
      for (Map.Entry<Long, MinuteAggregates.Minute> e : aggregates.minutes().entrySet()) {
        MinuteAggregates.Minute m = e.getValue();
        read.setLong(1, e.getKey());
        try (ResultSet rs = read.executeQuery()) {
          if (rs.next()) {
            m.activeSecondsMask |= rs.getLong(1);
          }
        }
        upsert.setLong(1, e.getKey());
        upsert.setLong(2, m.keystrokes);
        upsert.setLong(3, m.mouseClicks);
        upsert.setLong(4, m.windowSwitches);
        upsert.setLong(5, m.activeTimeMillis());
        upsert.setLong(6, m.screenshots);
        upsert.setLong(7, m.activeSecondsMask);
        upsert.executeUpdate();
      }
    }
  }
}
