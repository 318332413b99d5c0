package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.store.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

/**
 * {@code bench}'s baseline: the same events inserted with plain sqlite-jdbc, one row per event (the
 * single-event wire bytes as payload, keyed by session and sequence), 10,000 rows a transaction,
 * with the module's WAL/synchronous settings.
 */
final class RawSqliteInsert {

  private RawSqliteInsert() {
  }

  /** Seconds to insert {@code events} into a new {@code db}. */
  static double seconds(Path db, List<RawEvent> events) throws Exception {
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE events (timestamp_us INTEGER NOT NULL, session_id BLOB NOT NULL,"
          + " sequence INTEGER NOT NULL, event_type INTEGER NOT NULL, data BLOB NOT NULL,"
          + " PRIMARY KEY (session_id, sequence)) WITHOUT ROWID");
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < events.size(); i++) {
          if (i % 10_000 == 0) {
            StopSignals.check();
            st.execute("BEGIN IMMEDIATE");
          }
          RawEvent e = events.get(i);
          ps.setLong(1, e.timestampMicros());
          ps.setBytes(2, Uuids.toBytes(e.sessionId()));
          ps.setLong(3, e.sequence());
          ps.setInt(4, e.kind().code());
          ps.setBytes(5, EventEncoding.encodeSingle(e));
          ps.addBatch();
          if (i % 10_000 == 9_999 || i == events.size() - 1) {
            ps.executeBatch();
            st.execute("COMMIT");
          }
        }
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
