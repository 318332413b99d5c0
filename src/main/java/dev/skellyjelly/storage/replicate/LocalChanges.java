package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.MinuteAggregates;
import dev.skellyjelly.storage.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads what has committed locally and not yet shipped, on its own read-only SQLite connection (so
 * ingest never waits for it), in one read snapshot: blocks of each day table in rowid order past
 * that table's watermark, windows and screenshot metadata past theirs, and the minute aggregates
 * the fresh blocks and new screenshots touched. Sealed blocks do not touch minutes: merging
 * changes no aggregate.
 */
public final class LocalChanges {

  /** A block row as stored, payload opaque. */
  public record Block(String dayTable, long rowid, UUID session, long startMicros, long endMicros,
      long firstSeq, long lastSeq, int eventCount, int typeMask, boolean sealed, byte[] payload) {
  }

  /** A minute aggregate row as it stands locally: shipped as a replacement, never an addition. */
  public record Minute(long startMicros, long keystrokes, long mouseClicks, long windowSwitches,
      long activeTimeMs, long screenshots, long activeSecondsMask) {
  }

  /** A window row. */
  public record WindowRow(UUID id, long startMicros, long endMicros, int eventCount, byte[] members,
      byte[] screenshotRefs) {
  }

  /** A screenshot metadata row as stored (text fields are ciphertext when encryption is on). */
  public record ScreenshotRow(UUID id, long timestampMicros, UUID session, long sequence, String windowTitle,
      String appName, int regionX, int regionY, int regionWidth, int regionHeight, int width, int height,
      String format, long sizeBytes, String storage, Double textDensity, Integer uiElementCount,
      String dominantColors, boolean privacyMasked, String analysisError, Integer maskedRegions,
      String maskedKinds) {
  }

  /**
   * One batch: the rows, the watermarks to store once it is in PostgreSQL, and how many events
   * were pending at the snapshot (this batch's included).
   */
  public record Batch(List<Block> blocks, List<Minute> minutes, List<WindowRow> windows,
      List<ScreenshotRow> screenshots, Watermarks marks, long pendingEvents, long pendingBlocks) {
    public boolean isEmpty() {
      return blocks.isEmpty() && windows.isEmpty() && screenshots.isEmpty();
    }

    public long events() {
      return blocks.stream().mapToLong(Block::eventCount).sum();
    }
  }

  static final int MAX_BLOCKS = 20_000;
  static final int MAX_WINDOWS = 2_000;
  static final int MAX_SCREENSHOTS = 2_000;
  /**
   * Screenshot metadata commits after its analysis, so a row may commit after one captured later:
   * rows up to this long before the newest shipped one are looked at again (ids shipped are skipped).
   */
  static final long SCREENSHOT_LOOK_BACK_MICROS = 10 * 60_000_000L;

  private final Connection connection;

  public LocalChanges(Connection readOnly) {
    this.connection = readOnly;
  }

  /** The next batch after {@code marks}: at most about {@code maxEvents} events of blocks. */
  public Batch next(Watermarks marks, long maxEvents) throws SQLException {
    connection.setAutoCommit(false); // one snapshot for everything below
    try {
      Watermarks after = marks.copy();
      List<Block> blocks = new ArrayList<>();
      long events = 0;
      long pendingEvents = 0;
      long pendingBlocks = 0;
      for (String table : Schema.blockTables(connection)) {
        long mark = marks.block(table);
        long[] pending = pending(connection, table, mark);
        pendingBlocks += pending[0];
        pendingEvents += pending[1];
        if (events >= maxEvents || blocks.size() >= MAX_BLOCKS) {
          continue;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT b.rowid, s.session_id, b.start_us,"
            + " b.end_us, b.first_seq, b.last_seq, b.event_count, b.type_mask, b.sealed, b.payload FROM "
            + table + " b JOIN sessions s ON s.session_key = b.session_key WHERE b.rowid > ? ORDER BY b.rowid")) {
          ps.setLong(1, mark);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next() && events < maxEvents && blocks.size() < MAX_BLOCKS) {
              Block b = new Block(table, rs.getLong(1), Uuids.fromBytes(rs.getBytes(2)), rs.getLong(3),
                  rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getInt(9) == 1,
                  rs.getBytes(10));
              blocks.add(b);
              events += b.eventCount();
              after.setBlock(table, b.rowid());
            }
          }
        }
      }
      List<WindowRow> windows = windows(marks, after);
      List<ScreenshotRow> screenshots = screenshots(marks, after);
      return new Batch(blocks, minutesTouched(blocks, screenshots), windows, screenshots, after, pendingEvents,
          pendingBlocks);
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  /** {blocks, events} of {@code table} past {@code mark}: not yet shipped. */
  public static long[] pending(Connection c, String table, long mark) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT count(*), coalesce(sum(event_count), 0) FROM " + table + " WHERE rowid > ?")) {
      ps.setLong(1, mark);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /**
   * The minute rows covering the spans of the fresh blocks and the minutes of new screenshot rows
   * (their commit counts them), as they stand in this snapshot.
   */
  private List<Minute> minutesTouched(List<Block> blocks, List<ScreenshotRow> screenshots) throws SQLException {
    List<long[]> spans = new ArrayList<>();
    for (Block b : blocks) {
      if (!b.sealed()) {
        spans.add(new long[] {MinuteAggregates.minuteStart(b.startMicros()), b.endMicros()});
      }
    }
    for (ScreenshotRow r : screenshots) {
      long minute = MinuteAggregates.minuteStart(r.timestampMicros());
      spans.add(new long[] {minute, minute});
    }
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] s : spans) {
      if (!merged.isEmpty() && s[0] <= merged.get(merged.size() - 1)[1]) {
        long[] last = merged.get(merged.size() - 1);
        last[1] = Math.max(last[1], s[1]);
      } else {
        merged.add(s.clone());
      }
    }
    Map<Long, Minute> out = new LinkedHashMap<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT minute_start_us, keystroke_count,"
        + " mouse_clicks, window_switches, active_time_ms, screenshot_count, active_seconds_mask"
        + " FROM event_aggregates_minute WHERE minute_start_us >= ? AND minute_start_us <= ?")) {
      for (long[] span : merged) {
        ps.setLong(1, span[0]);
        ps.setLong(2, span[1]);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getLong(1), new Minute(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                rs.getLong(5), rs.getLong(6), rs.getLong(7)));
          }
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  /**
   * Screenshot rows not shipped yet: every row newer than the newest shipped, and rows of the
   * look-back before it whose id was not shipped (committed late, behind a later capture).
   */
  private List<ScreenshotRow> screenshots(Watermarks marks, Watermarks after) throws SQLException {
    List<ScreenshotRow> out = new ArrayList<>();
    long newest = marks.screenshotTime();
    String columns = "SELECT screenshot_id, timestamp_us, session_id, sequence, window_title, app_name, region_x,"
        + " region_y, region_width, region_height, width, height, format, size_bytes, storage, text_density,"
        + " ui_element_count, dominant_colors, privacy_masked, analysis_error, masked_regions, masked_kinds"
        + " FROM screenshot_metadata WHERE ";
    if (newest != Long.MIN_VALUE) {
      try (PreparedStatement ps = connection.prepareStatement(columns
          + "timestamp_us > ? AND timestamp_us <= ? ORDER BY timestamp_us, screenshot_id")) {
        ps.setLong(1, newest - SCREENSHOT_LOOK_BACK_MICROS);
        ps.setLong(2, newest);
        readScreenshots(ps, marks, out);
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(columns
        + "timestamp_us > ? ORDER BY timestamp_us, screenshot_id LIMIT " + MAX_SCREENSHOTS)) {
      ps.setLong(1, newest);
      readScreenshots(ps, marks, out);
    }
    out.forEach(r -> after.shippedScreenshot(r.id(), r.timestampMicros(), SCREENSHOT_LOOK_BACK_MICROS));
    return out;
  }

  private static void readScreenshots(PreparedStatement ps, Watermarks marks, List<ScreenshotRow> out)
      throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        UUID id = Uuids.fromBytes(rs.getBytes(1));
        if (marks.screenshotShipped(id)) {
          continue;
        }
        out.add(new ScreenshotRow(id, rs.getLong(2), Uuids.fromBytes(rs.getBytes(3)), rs.getLong(4),
            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getInt(10),
            rs.getInt(11), rs.getInt(12), rs.getString(13), rs.getLong(14), rs.getString(15),
            rs.getObject(16) == null ? null : rs.getDouble(16),
            rs.getObject(17) == null ? null : rs.getInt(17), rs.getString(18), rs.getInt(19) == 1,
            rs.getString(20), rs.getObject(21) == null ? null : rs.getInt(21), rs.getString(22)));
      }
    }
  }

  /**
   * Windows past the watermark in (start, id) order. The batcher records windows in the order they
   * close, one after another, so a window never commits behind one that started later.
   */
  private List<WindowRow> windows(Watermarks marks, Watermarks after) throws SQLException {
    List<WindowRow> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT window_id, start_us, end_us, event_count,"
        + " members, screenshot_refs FROM windows WHERE start_us > ? OR (start_us = ? AND window_id > ?)"
        + " ORDER BY start_us, window_id LIMIT " + MAX_WINDOWS)) {
      ps.setLong(1, marks.windowStart());
      ps.setLong(2, marks.windowStart());
      ps.setBytes(3, Uuids.toBytes(marks.windowId()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          WindowRow w = new WindowRow(Uuids.fromBytes(rs.getBytes(1)), rs.getLong(2), rs.getLong(3),
              rs.getInt(4), rs.getBytes(5), rs.getBytes(6));
          out.add(w);
          after.setWindow(w.startMicros(), w.id());
        }
      }
    }
    return out;
  }
}
