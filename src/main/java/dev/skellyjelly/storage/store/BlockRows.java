package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.RawEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Writes one block row: its span, sequence range, count and type mask, taken from its events. */
final class BlockRows {

  private BlockRows() {
  }

  /** Inserts the block of {@code events} (one session, in sequence order) into {@code table}. */
  static void insert(Connection c, String table, long sessionKey, List<RawEvent> events, byte[] payload,
      boolean sealed) throws SQLException {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int mask = 0;
    for (RawEvent e : events) {
      start = Math.min(start, e.timestampMicros());
      end = Math.max(end, e.timestampMicros());
      mask |= e.kind().maskBit();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
        + " (session_key, start_us, end_us, first_seq, last_seq, event_count, type_mask, payload, sealed)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, sessionKey);
      ps.setLong(2, start);
      ps.setLong(3, end);
      ps.setLong(4, events.get(0).sequence());
      ps.setLong(5, events.get(events.size() - 1).sequence());
      ps.setInt(6, events.size());
      ps.setInt(7, mask);
      ps.setBytes(8, payload);
      ps.setInt(9, sealed ? 1 : 0);
      ps.executeUpdate();
    }
  }
}
