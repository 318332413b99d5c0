package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.ScreenshotStorage;
import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** One page of screenshot metadata, in the one JSON shape of {@link ScreenshotMetadata}; sealed titles opened. */
final class ScreenshotPage {

  private static final String COLUMNS = "session_id, sequence, window_title, app_name, region_x, region_y,"
      + " region_width, region_height, width, height, format, size_bytes, storage, text_density,"
      + " ui_element_count, dominant_colors, privacy_masked, analysis_error";

  private final SqlDialect dialect;
  private final BlockCrypto crypto;
  private final KeyedPage pages;

  ScreenshotPage(SqlDialect dialect, BlockCrypto crypto) {
    this.dialect = dialect;
    this.crypto = crypto;
    this.pages = new KeyedPage(dialect, "screenshot_metadata", "timestamp_us", "screenshot_id");
  }

  Future<JsonObject> read(ReadSession session, JsonObject q) {
    return pages.read(session, q, COLUMNS, "screenshots",
        r -> new ScreenshotMetadata(new ScreenshotId(dialect.uuid(r, 1)), r.getLong(0), dialect.uuid(r, 2),
            r.getLong(3), text(r, 4, "window_title"), text(r, 5, "app_name"),
            new ScreenRegion(r.getInteger(6), r.getInteger(7), r.getInteger(8), r.getInteger(9)),
            r.getInteger(10), r.getInteger(11), ImageFormat.valueOf(r.getString(12)), r.getLong(13),
            ScreenshotStorage.fromLabel(r.getString(14)), r.getDouble(15), r.getInteger(16),
            r.getString(17) == null ? null : new JsonArray(r.getString(17)).stream().map(String::valueOf).toList(),
            r.getInteger(18) == 1, r.getString(19)).toJson());
  }

  /** A sensitive text column, opened when sealed; a value that does not open is an error naming the row. */
  private String text(Tuple r, int column, String name) {
    if (!SqlDialect.holdsBytes(r, column)) {
      return r.getString(column);
    }
    UUID id = dialect.uuid(r, 1);
    if (crypto == null) {
      throw new BlockDecryptException(name + " of screenshot " + id + " is encrypted; set [encryption] enabled");
    }
    try {
      return crypto.openText(SqlDialect.bytes(r, column), id, name);
    } catch (DecryptException e) {
      throw new BlockDecryptException(name + " of screenshot " + id + " does not decrypt: " + e.getMessage());
    }
  }
}
