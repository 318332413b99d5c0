package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The writer's housekeeping, run on its thread and connection between commits, each step short
 * so ingest never waits long: hourly and daily rollups (recomputed from the minute rows, so
 * running twice changes nothing), retention (whole day tables dropped), and compaction
 * (incremental vacuum in small steps, then a WAL checkpoint), whose longest pause is measured.
 */
public final class Maintenance {

  public static final long HOUR_MICROS = 3_600_000_000L;
  public static final long DAY_MICROS = 24 * HOUR_MICROS;
  private static final int VACUUM_PAGES_PER_STEP = 256;

  private final Connection connection;

  public Maintenance(Connection connection) {
    this.connection = connection;
  }

  /** What a retention run removed. */
  public record RetentionResult(List<String> droppedTables, int minuteRows, int hourlyRows,
      int dailyRows, int windows, int screenshotRows) {
  }

  /**
   * Recomputes the hourly rows of every hour touching [fromMicros, toMicros) and the daily rows
   * of every day touching it, from the minute rows. Idempotent.
   */
  public void rollup(long fromMicros, long toMicros) throws SQLException {
    long hourFrom = Math.floorDiv(fromMicros, HOUR_MICROS) * HOUR_MICROS;
    long dayFrom = Math.floorDiv(fromMicros, DAY_MICROS) * DAY_MICROS;
    Transactions.immediate(connection, st -> {
      try (PreparedStatement hourly = connection.prepareStatement(
              "INSERT OR REPLACE INTO event_aggregates_hourly SELECT (minute_start_us / " + HOUR_MICROS
                  + ") * " + HOUR_MICROS + ", " + MinuteRows.COUNT_SUMS + " FROM event_aggregates_minute"
                  + " WHERE minute_start_us >= ? AND minute_start_us < ? GROUP BY 1");
          PreparedStatement daily = connection.prepareStatement(
              "INSERT OR REPLACE INTO event_aggregates_daily SELECT (hour_start_us / " + DAY_MICROS
                  + ") * " + DAY_MICROS + ", " + MinuteRows.COUNT_SUMS + " FROM event_aggregates_hourly"
                  + " WHERE hour_start_us >= ? AND hour_start_us < ? GROUP BY 1")) {
        hourly.setLong(1, hourFrom);
        hourly.setLong(2, toMicros);
        hourly.executeUpdate();
        daily.setLong(1, dayFrom);
        daily.setLong(2, toMicros);
        daily.executeUpdate();
      }
    });
  }

  /** The first minute not yet rolled up into an hour, or 0 when nothing has been. */
  public long rolledUpThrough() throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(hour_start_us), 0) FROM event_aggregates_hourly")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Deletes what is older than the configured retentions, relative to {@code nowMicros}: raw
   * blocks by dropping whole day tables (with their windows and minute rows), hourly and daily
   * rollups by range, screenshot metadata when a retention is set for it (days 0 = keep).
   */
  public RetentionResult retention(long nowMicros, int rawDays, int hourlyDays, int dailyDays,
      int screenshotDays) throws SQLException {
    long rawCutoff = nowMicros - rawDays * DAY_MICROS;
    List<String> expired = Schema.blockTables(connection).stream()
        .filter(t -> Schema.dayStartMicros(t) + DAY_MICROS <= rawCutoff).toList();
    int[] counts = new int[5];
    Transactions.immediate(connection, st -> {
      for (String table : expired) {
        st.execute("DROP TABLE " + table);
      }
      Schema.recreateBlockView(connection);
      counts[0] = delete("event_aggregates_minute", "minute_start_us", rawCutoff);
      counts[1] = delete("event_aggregates_hourly", "hour_start_us", nowMicros - hourlyDays * DAY_MICROS);
      counts[2] = delete("event_aggregates_daily", "day_start_us", nowMicros - dailyDays * DAY_MICROS);
      counts[3] = delete("windows", "end_us", rawCutoff);
      counts[4] = screenshotDays == 0 ? 0
          : delete("screenshot_metadata", "timestamp_us", nowMicros - screenshotDays * DAY_MICROS);
    });
    return new RetentionResult(expired, counts[0], counts[1], counts[2], counts[3], counts[4]);
  }

  private int delete(String table, String column, long before) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "DELETE FROM " + table + " WHERE " + column + " < ?")) {
      ps.setLong(1, before);
      return ps.executeUpdate();
    }
  }

  /**
   * Returns free pages to the file system a few at a time, then checkpoints the WAL.
   *
   * @return the longest single step, in nanoseconds: the longest pause ingest could see
   */
  public long compact(int maxSteps) throws SQLException {
    long longest = 0;
    try (Statement st = connection.createStatement()) {
      for (int step = 0; step < maxSteps && freePages(st) > 0; step++) {
        long t0 = System.nanoTime();
        // SQLite frees one page per step of this pragma and the driver steps a statement once
        // (measured: 64 calls of incremental_vacuum(256) freed 64 pages), so one page per call.
        for (int page = 0; page < VACUUM_PAGES_PER_STEP; page++) {
          st.execute("PRAGMA incremental_vacuum(1)");
        }
        longest = Math.max(longest, System.nanoTime() - t0);
      }
      long t0 = System.nanoTime();
      st.execute("PRAGMA wal_checkpoint(PASSIVE)");
      longest = Math.max(longest, System.nanoTime() - t0);
    }
    return longest;
  }

  private static long freePages(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("PRAGMA freelist_count")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
