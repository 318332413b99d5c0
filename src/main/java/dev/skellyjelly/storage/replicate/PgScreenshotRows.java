package dev.skellyjelly.storage.replicate;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The screenshot metadata rows of one device in PostgreSQL, in a shipping transaction. */
final class PgScreenshotRows {

  private PgScreenshotRows() {
  }

  /** Inserts the rows, or replaces them: masking results and resealed titles arrive after the row. */
  static Future<Void> upsert(SqlConnection c, UUID device, List<LocalChanges.ScreenshotRow> screenshots) {
    List<Tuple> rows = new ArrayList<>();
    for (LocalChanges.ScreenshotRow r : screenshots) {
      rows.add(Tuple.from(new Object[] {device, r.id(), r.timestampMicros(), r.session(), r.sequence(),
          text(r.windowTitle()), text(r.appName()), r.regionX(), r.regionY(), r.regionWidth(), r.regionHeight(), r.width(),
          r.height(), r.format(), r.sizeBytes(), r.storage(), r.textDensity(), r.uiElementCount(),
          r.dominantColors(), r.privacyMasked(), r.analysisError(), r.maskedRegions(), r.maskedKinds(),
          sealed(r.windowTitle()), sealed(r.appName())}));
    }
    return PgShipper.batch(c, "INSERT INTO screenshot_metadata (device_id, screenshot_id, timestamp_us, session_id, sequence,"
        + " window_title, app_name, region_x, region_y, region_width, region_height, width, height, format,"
        + " size_bytes, storage, text_density, ui_element_count, dominant_colors, privacy_masked, analysis_error,"
        + " masked_regions, masked_kinds, window_title_sealed, app_name_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        + " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) ON CONFLICT (device_id, screenshot_id, timestamp_us) DO UPDATE"
        + " SET session_id = excluded.session_id, sequence = excluded.sequence, window_title = excluded.window_title,"
        + " app_name = excluded.app_name, region_x = excluded.region_x, region_y = excluded.region_y,"
        + " region_width = excluded.region_width, region_height = excluded.region_height, width = excluded.width,"
        + " height = excluded.height, format = excluded.format, size_bytes = excluded.size_bytes,"
        + " storage = excluded.storage, text_density = excluded.text_density,"
        + " ui_element_count = excluded.ui_element_count, dominant_colors = excluded.dominant_colors,"
        + " privacy_masked = excluded.privacy_masked, analysis_error = excluded.analysis_error,"
        + " masked_regions = excluded.masked_regions, masked_kinds = excluded.masked_kinds,"
        + " window_title_sealed = excluded.window_title_sealed, app_name_sealed = excluded.app_name_sealed", rows);
  }

  /** A text column as PostgreSQL holds it: the text, or null when it is sealed (then in its _sealed twin). */
  private static String text(Object stored) {
    return stored instanceof String text ? text : null;
  }

  private static Buffer sealed(Object stored) {
    return stored instanceof byte[] bytes ? Buffer.buffer(bytes) : null;
  }
}
