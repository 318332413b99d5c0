package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.crypto.DecryptException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Key rotation on the writer's store. {@link #rewrap} puts the data keys under a new
 * key-encryption key in one transaction (nothing else is rewritten). {@link #reencrypt} makes a
 * new data key and reseals everything under it, a batch per transaction — resumable: run it again
 * after a crash and it goes on where it stopped — then forgets the old data keys and rebuilds
 * the file.
 */
public final class KeyRotation {

  private static final int BATCH = 2_000;
  private static final String IN_PROGRESS = "reencrypt_in_progress";

  private KeyRotation() {
  }

  public static void rewrap(EventStore store, byte[] newKek, byte[] newSalt) throws SQLException {
    crypto(store).rewrap(newKek, newSalt);
  }

  /** Returns {blocks, text values} resealed under the new data key. */
  public static long[] reencrypt(EventStore store) throws SQLException {
    BlockCrypto crypto = crypto(store);
    Connection c = store.connection();
    if (Settings.get(c, IN_PROGRESS) == null) {
      crypto.addNewDataKey();
      Settings.put(c, IN_PROGRESS, Integer.toString(crypto.currentKeyId()));
    }
    String current = HexFormat.of().toHexDigits((byte) crypto.currentKeyId()).toUpperCase();
    long blocks = 0;
    for (String table : Schema.blockTables(c)) {
      long n;
      while ((n = resealBlocks(c, crypto, table, current)) > 0) {
        blocks += n;
      }
    }
    long texts = 0;
    for (String column : List.of("window_title", "app_name")) {
      long n;
      while ((n = resealTexts(c, crypto, column, current)) > 0) {
        texts += n;
      }
    }
    for (int id : crypto.keyIds()) {
      if (id != crypto.currentKeyId()) {
        crypto.retire(id);
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("DELETE FROM settings WHERE key = '" + IN_PROGRESS + "'");
      st.execute("VACUUM");
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return new long[] {blocks, texts};
  }

  private static BlockCrypto crypto(EventStore store) {
    if (store.crypto() == null) {
      throw new IllegalStateException("encryption is off: set [encryption] enabled = true with the current key");
    }
    return store.crypto();
  }

  private static long resealBlocks(Connection c, BlockCrypto crypto, String table, String currentHex)
      throws SQLException {
    List<Object[]> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT b.rowid, s.session_id, b.first_seq, b.last_seq, b.payload"
        + " FROM " + table + " b JOIN sessions s ON s.session_key = b.session_key"
        + " WHERE hex(substr(b.payload, 1, 1)) = '03' AND hex(substr(b.payload, 2, 1)) != ? LIMIT " + BATCH)) {
      ps.setString(1, currentHex);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          batch.add(new Object[] {rs.getLong(1), crypto.blockIdentity(EventStore.uuidFrom(rs.getBytes(2)),
              rs.getLong(3), rs.getLong(4)), rs.getBytes(5)});
        }
      }
    }
    return reseal(c, crypto, batch, "UPDATE " + table + " SET payload = ? WHERE rowid = ?");
  }

  private static long resealTexts(Connection c, BlockCrypto crypto, String column, String currentHex)
      throws SQLException {
    List<Object[]> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT screenshot_id, " + column + " FROM screenshot_metadata"
        + " WHERE typeof(" + column + ") = 'blob' AND hex(substr(" + column + ", 2, 1)) != ? LIMIT " + BATCH)) {
      ps.setString(1, currentHex);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID id = EventStore.uuidFrom(rs.getBytes(1));
          batch.add(new Object[] {rs.getBytes(1), crypto.textIdentity(id, column), rs.getBytes(2)});
        }
      }
    }
    return reseal(c, crypto, batch, "UPDATE screenshot_metadata SET " + column + " = ? WHERE screenshot_id = ?");
  }

  /** Each row: {key, identity, sealed}; resealed in one transaction. */
  private static long reseal(Connection c, BlockCrypto crypto, List<Object[]> batch, String update)
      throws SQLException {
    if (batch.isEmpty()) {
      return 0;
    }
    crypto.reserve(batch.size());
    Transactions.immediate(c, st -> {
      try (PreparedStatement ps = c.prepareStatement(update)) {
        for (Object[] row : batch) {
          try {
            ps.setBytes(1, crypto.reseal((byte[]) row[2], (byte[]) row[1]));
          } catch (DecryptException e) {
            throw new SQLException("a sealed value does not open with this database's keys (" + e.getMessage()
                + "); nothing of this batch was changed");
          }
          ps.setObject(2, row[0]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
    return batch.size();
  }
}
