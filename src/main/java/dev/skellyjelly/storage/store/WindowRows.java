package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.event.ByteReader;
import dev.skellyjelly.storage.event.ByteWriter;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.event.Uuids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The {@code windows} rows: one per closed window, written again harmlessly (same id, same row). */
final class WindowRows {

  private WindowRows() {
  }

  static void insert(Connection c, List<WindowRecord> windows) throws SQLException {
    if (windows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO windows"
        + " (window_id, start_us, end_us, event_count, members, screenshot_refs)"
        + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (WindowRecord w : windows) {
        ps.setBytes(1, Uuids.toBytes(w.windowId()));
        ps.setLong(2, w.startMicros());
        ps.setLong(3, w.endMicros());
        ps.setInt(4, w.eventCount());
        ps.setBytes(5, WindowMembers.encode(w.members()));
        ps.setBytes(6, screenshotRefs(w.screenshotRefs()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** {@code screenshot_refs := count:varint uuid*}. */
  static byte[] screenshotRefs(List<ScreenshotId> refs) {
    ByteWriter out = new ByteWriter(Uuids.BYTES * refs.size() + 2);
    out.writeVarLong(refs.size());
    for (ScreenshotId id : refs) {
      Uuids.write(out, id.value());
    }
    return out.toByteArray();
  }

  /** Reads {@code screenshot_refs} back; corrupt bytes are a decode error. */
  static List<ScreenshotId> readScreenshotRefs(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    int n = in.readBoundedInt(bytes.length / Uuids.BYTES, "screenshot ref count");
    List<ScreenshotId> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      refs.add(new ScreenshotId(Uuids.read(in)));
    }
    return refs;
  }
}
