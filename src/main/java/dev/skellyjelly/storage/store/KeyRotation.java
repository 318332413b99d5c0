package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * Key rotation on the writer's store. {@link #rewrap} puts the data keys under a new
 * key-encryption key in one transaction (nothing else is rewritten). {@link #reencrypt} makes a
 * new data key and reseals everything under it, a batch per transaction — resumable: run it again
 * after a crash and it goes on where it stopped — then forgets the old data keys and rebuilds
 * the file.
 */
public final class KeyRotation {

  private static final String IN_PROGRESS = "reencrypt_in_progress";

  private KeyRotation() {
  }

  public static void rewrap(EventStore store, byte[] newKek, byte[] newSalt) throws SQLException {
    crypto(store).dataKeys().rewrap(newKek, newSalt);
  }

  /** Returns {blocks, text values} resealed under the new data key. */
  public static long[] reencrypt(EventStore store) throws SQLException {
    return reencrypt(store, () -> { });
  }

  /**
   * As above; {@code betweenBatches} runs before each batch and may throw to stop there (every
   * batch before it is committed, and a later run goes on from it).
   */
  public static long[] reencrypt(EventStore store, Runnable betweenBatches) throws SQLException {
    BlockCrypto crypto = crypto(store);
    Connection c = store.connection();
    if (Settings.get(c, IN_PROGRESS) == null) {
      crypto.dataKeys().addNew();
      Settings.put(c, IN_PROGRESS, Integer.toString(crypto.currentKeyId()));
    }
    String current = HexFormat.of().toHexDigits((byte) crypto.currentKeyId()).toUpperCase();
    SealedRewrite.Rewrite reseal = (sealed, identity) -> crypto.reseal((byte[]) sealed, identity);
    long blocks = 0;
    for (String table : Schema.blockTables(c)) {
      long n;
      betweenBatches.run();
      while ((n = SealedRewrite.blocks(c, crypto, table, "hex(substr(b.payload, 1, 1)) = '03'"
          + " AND hex(substr(b.payload, 2, 1)) != '" + current + "'", reseal)) > 0) {
        blocks += n;
        betweenBatches.run();
      }
    }
    long texts = 0;
    for (String column : List.of("window_title", "app_name")) {
      long n;
      while ((n = SealedRewrite.texts(c, crypto, column, "typeof(" + column + ") = 'blob'"
          + " AND hex(substr(" + column + ", 2, 1)) != '" + current + "'", reseal)) > 0) {
        texts += n;
        betweenBatches.run();
      }
    }
    for (int id : crypto.dataKeys().ids()) {
      if (id != crypto.currentKeyId()) {
        crypto.dataKeys().retire(id);
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

}
