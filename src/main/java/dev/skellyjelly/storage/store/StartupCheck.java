package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The quick check of the database before the module trusts it: the file header, SQLite's
 * {@code quick_check}, a schema version this build understands, and the newest blocks of every
 * day table decoding. Fast enough for every start; {@link Verification} is the full check.
 */
public final class StartupCheck {

  private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  /** Newest blocks decoded per day table: the ones the last run wrote. */
  private static final int NEWEST_BLOCKS = 16;

  private StartupCheck() {
  }

  /**
   * {@code null} if the database (or its absence) is fine to open, else what is damaged.
   *
   * @throws IllegalStateException if the file is from a newer build: intact, but not ours to touch
   * @throws dev.skellyjelly.storage.config.ConfigException if the configured key does not open it:
   *     a wrong key is not damage, and the file is left alone
   */
  public static String damage(Path db, StorageConfig.Encryption encryption) throws IOException {
    if (!Files.exists(db) || Files.size(db) == 0) {
      return null;
    }
    byte[] header = new byte[HEADER.length];
    try (InputStream in = Files.newInputStream(db)) {
      if (in.readNBytes(header, 0, header.length) < header.length || !Arrays.equals(header, HEADER)) {
        return "the file does not start with the SQLite header";
      }
    }
    try (Connection c = SqliteFiles.openReader(db)) {
      String quick = quickCheck(c);
      if (!"ok".equals(quick)) {
        return "PRAGMA quick_check reports: " + quick;
      }
      int version = Schema.userVersion(c);
      if (version > Schema.CURRENT_VERSION) {
        throw new IllegalStateException(db + " has schema version " + version + ", newer than this"
            + " build understands (" + Schema.CURRENT_VERSION + "); upgrade the storage module");
      }
      BlockCheck.Result newest = BlockCheck.checkNewest(c, NEWEST_BLOCKS,
          EncryptionAtRest.openForReading(c, encryption));
      if (!newest.ok()) {
        return newest.bad().size() + " of the newest event blocks do not decode (first: "
            + newest.bad().get(0) + ")";
      }
      return null;
    } catch (SQLException e) {
      return "SQLite cannot read it: " + e.getMessage();
    }
  }

  private static String quickCheck(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check(3)")) {
      java.util.List<String> lines = new java.util.ArrayList<>();
      while (rs.next()) {
        lines.add(rs.getString(1).replace("\n", "; ")); // one log line, not several
      }
      return lines.isEmpty() ? "no answer" : String.join("; ", lines);
    }
  }
}
