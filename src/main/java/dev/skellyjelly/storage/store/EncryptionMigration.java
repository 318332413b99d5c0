package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turning encryption on for a database that holds plaintext: at start, before anything else is
 * written, every plaintext block payload and sensitive text column is sealed in place, a batch per
 * transaction — resumable, since what is sealed is no longer selected — then the file is rebuilt
 * ({@code VACUUM}, with {@code secure_delete} on) and the WAL truncated, so no plaintext is left
 * in free pages or in the log. Loud: it says what it does and what it did.
 */
public final class EncryptionMigration {

  private static final Logger LOG = LoggerFactory.getLogger(EncryptionMigration.class);
  private static final int BATCH = 2_000;
  private static final String PLAINTEXT_BLOCK = "hex(substr(b.payload, 1, 1)) != '03'";

  private EncryptionMigration() {
  }

  /** Seals what is still plaintext; returns how many blocks and screenshot rows it sealed. */
  public static long[] run(EventStore store) throws SQLException {
    BlockCrypto crypto = store.crypto();
    if (crypto == null) {
      return new long[] {0, 0};
    }
    Connection c = store.connection();
    long blocks = 0;
    long screenshots = 0;
    for (String table : Schema.blockTables(c)) {
      long n;
      while ((n = sealBlocks(c, crypto, table)) > 0) {
        if (blocks == 0) {
          LOG.warn("encryption is on and this database holds plaintext: sealing it now (resumable;"
              + " the module starts when it is done)");
        }
        blocks += n;
        LOG.warn("sealed {} plaintext blocks so far ({})", blocks, table);
      }
    }
    long n;
    while ((n = sealScreenshotTexts(c, crypto)) > 0) {
      screenshots += n;
    }
    if (blocks + screenshots > 0) {
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM"); // rebuilds the file: no free page keeps old plaintext
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      LOG.warn("encrypted {} blocks and {} screenshot metadata rows; the file was rebuilt and its WAL"
          + " truncated, no plaintext is left", blocks, screenshots);
    }
    return new long[] {blocks, screenshots};
  }

  private record Plain(long rowid, byte[] session, long first, long last, byte[] payload) {
  }

  private static int sealBlocks(Connection c, BlockCrypto crypto, String table) throws SQLException {
    List<Plain> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT b.rowid, s.session_id, b.first_seq, b.last_seq,"
        + " b.payload FROM " + table + " b JOIN sessions s ON s.session_key = b.session_key WHERE "
        + PLAINTEXT_BLOCK + " LIMIT " + BATCH); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        batch.add(new Plain(rs.getLong(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5)));
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    crypto.reserve(batch.size());
    Transactions.immediate(c, st -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET payload = ? WHERE rowid = ?")) {
        for (Plain p : batch) {
          update.setBytes(1, crypto.sealBlock(p.payload(), EventStore.uuidFrom(p.session()), p.first(), p.last()));
          update.setLong(2, p.rowid());
          update.addBatch();
        }
        update.executeBatch();
      }
    });
    return batch.size();
  }

  private static int sealScreenshotTexts(Connection c, BlockCrypto crypto) throws SQLException {
    List<Object[]> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT screenshot_id, window_title, app_name"
        + " FROM screenshot_metadata WHERE typeof(window_title) = 'text' OR typeof(app_name) = 'text'"
        + " LIMIT " + BATCH); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        batch.add(new Object[] {rs.getBytes(1), rs.getObject(2), rs.getObject(3)});
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    crypto.reserve(2L * batch.size());
    Transactions.immediate(c, st -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE screenshot_metadata SET window_title = ?,"
          + " app_name = ? WHERE screenshot_id = ?")) {
        for (Object[] row : batch) {
          java.util.UUID id = EventStore.uuidFrom((byte[]) row[0]);
          update.setObject(1, row[1] instanceof String t ? crypto.sealText(t, id, "window_title") : row[1]);
          update.setObject(2, row[2] instanceof String t ? crypto.sealText(t, id, "app_name") : row[2]);
          update.setBytes(3, (byte[]) row[0]);
          update.addBatch();
        }
        update.executeBatch();
      }
    });
    return batch.size();
  }
}
