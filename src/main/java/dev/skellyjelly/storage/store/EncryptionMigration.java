package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
  private static final String PLAINTEXT_BLOCK = "hex(substr(b.payload, 1, 1)) != '03'";

  private EncryptionMigration() {
  }

  /** Seals what is still plaintext; returns how many blocks and screenshot texts (title, app) it sealed. */
  public static long[] run(EventStore store) throws SQLException {
    BlockCrypto crypto = store.crypto();
    if (crypto == null) {
      return new long[] {0, 0};
    }
    Connection c = store.connection();
    long blocks = 0;
    long texts = 0;
    SealedRewrite.Rewrite seal = (plain, identity) -> crypto.seal(plain instanceof byte[] b ? b
        : plain.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), identity);
    for (String table : Schema.blockTables(c)) {
      long n;
      while ((n = SealedRewrite.blocks(c, crypto, table, PLAINTEXT_BLOCK, seal)) > 0) {
        if (blocks == 0) {
          LOG.warn("encryption is on and this database holds plaintext: sealing it now (resumable;"
              + " the module starts when it is done)");
        }
        blocks += n;
        LOG.warn("sealed {} plaintext blocks so far ({})", blocks, table);
      }
    }
    for (String column : List.of("window_title", "app_name")) {
      long n;
      while ((n = SealedRewrite.texts(c, crypto, column, "typeof(" + column + ") = 'text'", seal)) > 0) {
        texts += n;
      }
    }
    if (blocks + texts > 0) {
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM"); // rebuilds the file: no free page keeps old plaintext
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      LOG.warn("encrypted {} blocks and {} screenshot metadata texts; the file was rebuilt and its WAL"
          + " truncated, no plaintext is left", blocks, texts);
    }
    return new long[] {blocks, texts};
  }

}
