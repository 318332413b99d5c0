package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.crypto.DecryptException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rewrites block payloads or sensitive text columns in place, one batch per transaction, for
 * turning encryption on ({@link EncryptionMigration}) and for moving to a new data key
 * ({@link KeyRotation}). Each value is rewritten with its identity (the associated data it is
 * sealed with); the {@code where} clause selects what still needs it, so a run that was stopped
 * goes on where it stopped.
 */
final class SealedRewrite {

  static final int BATCH = 2_000;

  /** The new stored value, from the current one and the identity it is sealed with. */
  interface Rewrite {
    byte[] apply(Object stored, byte[] identity) throws DecryptException;
  }

  private record Row(Object key, byte[] identity, Object stored) {
  }

  private SealedRewrite() {
  }

  /** One batch of the blocks of {@code table} matching {@code where} (alias {@code b}); returns its size. */
  static int blocks(Connection c, BlockCrypto crypto, String table, String where, Rewrite rewrite)
      throws SQLException {
    List<Row> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT b.rowid, s.session_id, b.first_seq, b.last_seq, b.payload"
        + " FROM " + table + " b JOIN sessions s ON s.session_key = b.session_key WHERE " + where
        + " LIMIT " + BATCH); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        batch.add(new Row(rs.getLong(1), crypto.blockIdentity(Uuids.fromBytes(rs.getBytes(2)), rs.getLong(3),
            rs.getLong(4)), rs.getBytes(5)));
      }
    }
    return write(c, crypto, batch, "UPDATE " + table + " SET payload = ? WHERE rowid = ?", rewrite);
  }

  /** One batch of the screenshot rows whose {@code column} matches {@code where}; returns its size. */
  static int texts(Connection c, BlockCrypto crypto, String column, String where, Rewrite rewrite)
      throws SQLException {
    List<Row> batch = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT screenshot_id, " + column + " FROM screenshot_metadata"
        + " WHERE " + where + " LIMIT " + BATCH); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        UUID id = Uuids.fromBytes(rs.getBytes(1));
        batch.add(new Row(rs.getBytes(1), crypto.textIdentity(id, column), rs.getObject(2)));
      }
    }
    return write(c, crypto, batch, "UPDATE screenshot_metadata SET " + column + " = ? WHERE screenshot_id = ?",
        rewrite);
  }

  private static int write(Connection c, BlockCrypto crypto, List<Row> batch, String update, Rewrite rewrite)
      throws SQLException {
    if (batch.isEmpty()) {
      return 0;
    }
    crypto.reserve(batch.size()); // nonces durable before the transaction
    Transactions.immediate(c, st -> {
      try (PreparedStatement ps = c.prepareStatement(update)) {
        for (Row row : batch) {
          try {
            ps.setBytes(1, rewrite.apply(row.stored(), row.identity()));
          } catch (DecryptException e) {
            throw new SQLException("a sealed value does not open with this database's keys (" + e.getMessage()
                + "); nothing of this batch was changed");
          }
          ps.setObject(2, row.key());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
    return batch.size();
  }
}
