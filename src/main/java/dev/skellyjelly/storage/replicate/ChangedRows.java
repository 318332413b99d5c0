package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.MinuteRows;

import dev.skellyjelly.storage.event.SequenceRanges;
import dev.skellyjelly.storage.replicate.LocalChanges.Minute;
import dev.skellyjelly.storage.replicate.LocalChanges.ScreenshotRow;
import dev.skellyjelly.storage.replicate.LocalChanges.SessionRanges;
import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The rows changed since the last batch, read inside the caller's snapshot: minute aggregates and
 * screenshot metadata stamped with a change number ({@link Schema#CHANGE_COUNTER}) after the last one
 * shipped — a row is stamped when it is written, so one that commits long after the time it
 * describes (a screenshot analysed late, the minute of a late event, minutes whose fresh blocks
 * were merged before they shipped) is found all the same — and the sequence ranges of the sessions
 * whose events were stored since: the writer rewrites a session's ranges in the transaction that
 * stores its block, so they change only with new blocks (fresh, or merged from fresh ones not
 * shipped yet), plus the sessions created since
 * the last batch (on a database upgraded from schema 3, every session once).
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

  /**
   * Rows changed after {@code marks}, and the ranges of {@code storedTo} (sessions of the fresh
   * blocks read); {@code after} moves past what is returned.
   */
  Read read(Watermarks marks, Watermarks after, Set<UUID> storedTo) throws SQLException {
    List<Minute> minutes = minutes(marks, after);
    List<ScreenshotRow> screenshots = screenshots(marks, after);
    List<SessionRanges> sessions = sessionRanges(marks, after, storedTo);
    return new Read(minutes, screenshots, sessions, minutes.size() >= MAX_MINUTES
        || screenshots.size() >= MAX_SCREENSHOTS || sessions.size() >= MAX_SESSIONS);
  }

  private List<Minute> minutes(Watermarks marks, Watermarks after) throws SQLException {
    List<Minute> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT minute_start_us, " + MinuteRows.COUNT_COLUMNS
        + ", active_seconds_mask, change_seq"
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
          out.add(new ScreenshotRow(Uuids.fromBytes(rs.getBytes(1)), rs.getLong(2),
              Uuids.fromBytes(rs.getBytes(3)), rs.getLong(4), rs.getObject(5), rs.getObject(6), rs.getInt(7),
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

  private List<SessionRanges> sessionRanges(Watermarks marks, Watermarks after, Set<UUID> storedTo)
      throws SQLException {
    Set<UUID> sessions = new LinkedHashSet<>(storedTo);
    try (PreparedStatement ps = connection.prepareStatement("SELECT session_key, session_id FROM sessions"
        + " WHERE session_key > ? ORDER BY session_key LIMIT " + MAX_SESSIONS)) {
      ps.setLong(1, marks.sessions());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sessions.add(Uuids.fromBytes(rs.getBytes(2)));
          after.setSessions(rs.getLong(1));
        }
      }
    }
    List<SessionRanges> out = new ArrayList<>();
    try (PreparedStatement ranges = connection.prepareStatement("SELECT r.lo, r.hi FROM session_seq_ranges r"
        + " JOIN sessions s ON s.session_key = r.session_key WHERE s.session_id = ? ORDER BY r.lo")) {
      for (UUID session : sessions) {
        SequenceRanges stored = new SequenceRanges();
        ranges.setBytes(1, Uuids.toBytes(session));
        try (ResultSet r = ranges.executeQuery()) {
          while (r.next()) {
            stored.addRange(r.getLong(1), r.getLong(2));
          }
        }
        out.add(new SessionRanges(session, stored));
      }
    }
    return out;
  }
}
