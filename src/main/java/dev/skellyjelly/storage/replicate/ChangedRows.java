package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.event.SequenceRanges;
import dev.skellyjelly.storage.replicate.LocalChanges.Minute;
import dev.skellyjelly.storage.replicate.LocalChanges.ScreenshotRow;
import dev.skellyjelly.storage.replicate.LocalChanges.SessionRanges;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows stamped with a change number ({@link Schema#CHANGE_COUNTER}) since the last one shipped:
 * minute aggregates, screenshot metadata, and sessions whose sequence ranges changed (with all
 * their ranges). A row is stamped when it is written, so one that commits long after the time it
 * describes — a screenshot analysed late, a late event's minute — is found all the same. Read inside
 * the caller's snapshot.
 */
final class ChangedRows {

  static final int MAX_MINUTES = 20_000;
  static final int MAX_SCREENSHOTS = 2_000;
  static final int MAX_SESSIONS = 2_000;

  /** What was read, and whether a kind was cut at its limit. */
  record Read(List<Minute> minutes, List<ScreenshotRow> screenshots, List<SessionRanges> sessionRanges,
      boolean cut) {
  }

  private final Connection connection;

  ChangedRows(Connection connection) {
    this.connection = connection;
  }

  /** Rows changed after {@code marks}; {@code after} moves past what is returned. */
  Read read(Watermarks marks, Watermarks after) throws SQLException {
    List<Minute> minutes = minutes(marks, after);
    List<ScreenshotRow> screenshots = screenshots(marks, after);
    List<SessionRanges> sessions = sessionRanges(marks, after);
    return new Read(minutes, screenshots, sessions, minutes.size() >= MAX_MINUTES
        || screenshots.size() >= MAX_SCREENSHOTS || sessions.size() >= MAX_SESSIONS);
  }

  private List<Minute> minutes(Watermarks marks, Watermarks after) throws SQLException {
    List<Minute> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT minute_start_us, keystroke_count,"
        + " mouse_clicks, window_switches, active_time_ms, screenshot_count, active_seconds_mask, change_seq"
        + " FROM event_aggregates_minute WHERE change_seq > ? ORDER BY change_seq LIMIT " + MAX_MINUTES)) {
      ps.setLong(1, marks.minutes());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Minute(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
              rs.getLong(6), rs.getLong(7)));
          after.setMinutes(rs.getLong(8));
        }
      }
    }
    return out;
  }

  private List<ScreenshotRow> screenshots(Watermarks marks, Watermarks after) throws SQLException {
    List<ScreenshotRow> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT screenshot_id, timestamp_us, session_id,"
        + " sequence, window_title, app_name, region_x, region_y, region_width, region_height, width, height,"
        + " format, size_bytes, storage, text_density, ui_element_count, dominant_colors, privacy_masked,"
        + " analysis_error, masked_regions, masked_kinds, change_seq FROM screenshot_metadata"
        + " WHERE change_seq > ? ORDER BY change_seq LIMIT " + MAX_SCREENSHOTS)) {
      ps.setLong(1, marks.screenshots());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ScreenshotRow(EventStore.uuidFrom(rs.getBytes(1)), rs.getLong(2),
              EventStore.uuidFrom(rs.getBytes(3)), rs.getLong(4), rs.getString(5), rs.getString(6), rs.getInt(7),
              rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getString(13),
              rs.getLong(14), rs.getString(15), rs.getObject(16) == null ? null : rs.getDouble(16),
              rs.getObject(17) == null ? null : rs.getInt(17), rs.getString(18), rs.getInt(19) == 1,
              rs.getString(20), rs.getObject(21) == null ? null : rs.getInt(21), rs.getString(22)));
          after.setScreenshots(rs.getLong(23));
        }
      }
    }
    return out;
  }

  private List<SessionRanges> sessionRanges(Watermarks marks, Watermarks after) throws SQLException {
    List<SessionRanges> out = new ArrayList<>();
    try (PreparedStatement sessions = connection.prepareStatement("SELECT session_key, session_id, change_seq"
            + " FROM sessions WHERE change_seq > ? ORDER BY change_seq LIMIT " + MAX_SESSIONS);
        PreparedStatement ranges = connection.prepareStatement(
            "SELECT lo, hi FROM session_seq_ranges WHERE session_key = ? ORDER BY lo")) {
      sessions.setLong(1, marks.sessions());
      try (ResultSet rs = sessions.executeQuery()) {
        while (rs.next()) {
          SequenceRanges stored = new SequenceRanges();
          ranges.setLong(1, rs.getLong(1));
          try (ResultSet r = ranges.executeQuery()) {
            while (r.next()) {
              stored.addRange(r.getLong(1), r.getLong(2));
            }
          }
          out.add(new SessionRanges(EventStore.uuidFrom(rs.getBytes(2)), stored));
          after.setSessions(rs.getLong(3));
        }
      }
    }
    return out;
  }
}
