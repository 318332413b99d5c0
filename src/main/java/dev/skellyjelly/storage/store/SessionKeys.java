package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The small integer key of each capture session ({@code sessions.session_key}), which block rows
 * and sequence ranges use instead of the 16-byte id; created on first use and cached.
 */
final class SessionKeys {

  private final Connection connection;
  private final Map<UUID, Long> keys = new HashMap<>();

  SessionKeys(Connection connection) {
    this.connection = connection;
  }

  /** The session's key, inserting its row if it has none yet (inside the caller's transaction). */
  long keyOf(UUID session) throws SQLException {
    Long key = keys.get(session);
    if (key != null) {
      return key;
    }
    byte[] id = Uuids.toBytes(session);
    try (PreparedStatement insert = connection.prepareStatement(
            "INSERT OR IGNORE INTO sessions (session_id) VALUES (?)");
        PreparedStatement select = connection.prepareStatement(
            "SELECT session_key FROM sessions WHERE session_id = ?")) {
      insert.setBytes(1, id);
      insert.executeUpdate();
      select.setBytes(1, id);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        key = rs.getLong(1);
      }
    }
    keys.put(session, key);
    return key;
  }

  /** After a rollback: sessions created inside the failed transaction are gone again. */
  void forgetUncommitted() {
    keys.clear();
  }
}
