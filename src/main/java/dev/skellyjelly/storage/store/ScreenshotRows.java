package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.event.Uuids;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code screenshot_metadata} rows: inserted once per screenshot (a repeat is ignored), the
 * window title and app name sealed when encryption is on; masking results are added to the row
 * later, since masking runs at the first fetch.
 */
final class ScreenshotRows {

  private ScreenshotRows() {
  }

  /** Inserts the rows; each screenshot new to the table is counted in its minute. */
  static void insert(Connection c, BlockCrypto crypto, List<ScreenshotMetadata> rows,
      MinuteAggregates aggregates) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO screenshot_metadata"
        + " (screenshot_id, timestamp_us, session_id, sequence, window_title, app_name, region_x,"
        + " region_y, region_width, region_height, width, height, format, size_bytes, storage,"
        + " text_density, ui_element_count, dominant_colors, privacy_masked, analysis_error)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (ScreenshotMetadata m : rows) {
        int i = 1;
        ps.setBytes(i++, Uuids.toBytes(m.id().value()));
        ps.setLong(i++, m.timestampMicros());
        ps.setBytes(i++, Uuids.toBytes(m.sessionId()));
        ps.setLong(i++, m.sequence());
        if (crypto != null) {
          ps.setBytes(i++, crypto.sealText(m.windowTitle(), m.id().value(), "window_title"));
          ps.setBytes(i++, crypto.sealText(m.appName(), m.id().value(), "app_name"));
        } else {
          ps.setString(i++, m.windowTitle());
          ps.setString(i++, m.appName());
        }
        ps.setInt(i++, m.region().x());
        ps.setInt(i++, m.region().y());
        ps.setInt(i++, m.region().width());
        ps.setInt(i++, m.region().height());
        ps.setInt(i++, m.width());
        ps.setInt(i++, m.height());
        ps.setString(i++, m.format().name());
        ps.setLong(i++, m.sizeBytes());
        ps.setString(i++, m.storage().label());
        ps.setObject(i++, m.textDensity());
        ps.setObject(i++, m.uiElementCount());
        ps.setString(i++, new JsonArray(new ArrayList<Object>(m.dominantColors())).encode());
        ps.setInt(i++, m.privacyMasked() ? 1 : 0);
        ps.setString(i++, m.analysisError());
        if (ps.executeUpdate() == 1) {
          aggregates.addScreenshot(m.timestampMicros()); // count each screenshot once
        }
      }
    }
  }

  /**
   * Adds what masking found to rows (and the text density OCR measured, when it did); run after
   * {@link #insert}, whose rows it may update.
   */
  static void recordMaskings(Connection c, List<MaskingRecorded> maskings) throws SQLException {
    if (maskings.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE screenshot_metadata"
        + " SET masked_regions = ?, masked_kinds = ?, text_density = coalesce(?, text_density)"
        + " WHERE screenshot_id = ?")) {
      for (MaskingRecorded m : maskings) {
        ps.setInt(1, m.regions());
        ps.setString(2, m.kinds());
        ps.setObject(3, m.textDensity());
        ps.setBytes(4, Uuids.toBytes(m.id().value()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
