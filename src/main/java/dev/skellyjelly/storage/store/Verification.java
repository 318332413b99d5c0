package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The full check of a database file that is about to be trusted (a new backup, a backup about
 * to be restored): SQLite's {@code integrity_check}, a schema version this build understands,
 * and every event block decoding to its stated number of events.
 */
public final class Verification {

  private Verification() {
  }

  /** {@code null} if the plaintext file passes, else what is wrong with it (to follow its name). */
  public static String problem(Path db) {
    return problem(db, EncryptionAtRest.OFF);
  }

  /**
   * As above, opening encrypted blocks with {@code encryption}'s key.
   *
   * @throws dev.skellyjelly.storage.config.ConfigException if that key does not open the file:
   *     a wrong key is not a damaged file
   */
  public static String problem(Path db, StorageConfig.Encryption encryption) {
    try (Connection c = SqliteFiles.openReader(db)) {
      String integrity = integrity(c);
      if (!"ok".equals(integrity)) {
        return "fails its integrity check (" + integrity + ")";
      }
      int version = Schema.userVersion(c);
      if (version > Schema.CURRENT_VERSION) {
        return "has schema version " + version + ", newer than this build understands ("
            + Schema.CURRENT_VERSION + ")";
      }
      BlockCheck.Result blocks = BlockCheck.checkAll(c, EncryptionAtRest.openForReading(c, encryption));
      if (!blocks.ok()) {
        return "has " + blocks.bad().size() + " event blocks that do not decode (first: "
            + blocks.bad().get(0) + ")";
      }
      return null;
    } catch (SQLException e) {
      return "cannot be read as an SQLite database (" + e.getMessage() + ")";
    }
  }

  /** {@code ok}, or the first problem {@code PRAGMA integrity_check} reports. */
  public static String integrity(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      return rs.next() ? rs.getString(1) : "no answer";
    }
  }
}
