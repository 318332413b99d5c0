package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Online backup. A backup is {@code VACUUM INTO} from a read-only connection — a consistent copy
 * while the writer goes on (copying the live file and its WAL would not be) — into a private
 * temp file (600 in a 700 directory from its creation), fully verified ({@link Verification}:
 * integrity, schema, every block decodes) before it is renamed into place; the oldest beyond
 * {@code keep} are deleted. Restoring one is {@link Restore}'s job.
 */
public final class Backup {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final String PREFIX = "events-";

  private Backup() {
  }

  /** A verified backup of {@code db}; {@code encryption} opens its blocks for the check. */
  public static Path backup(Path db, Path backupDir, int keep, StorageConfig.Encryption encryption)
      throws SQLException, IOException {
    removeStaleTemps(backupDir);
    Path target = backupDir.resolve(PREFIX + STAMP.format(Instant.now()) + ".db");
    // Created empty and 600 first: VACUUM INTO fills an empty file and keeps its mode.
    Path temp = PrivateTemp.create(backupDir, target.getFileName().toString());
    try {
      try (Connection c = SqliteFiles.openReader(db); Statement st = c.createStatement()) {
        st.execute("VACUUM INTO '" + temp.toString().replace("'", "''") + "'");
      }
      String problem = Verification.problem(temp, encryption);
      if (problem != null) {
        throw new SQLException("the backup of " + db + " " + problem + "; nothing was kept");
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | SQLException | RuntimeException e) {
      Files.deleteIfExists(temp);
      Files.deleteIfExists(Path.of(temp + "-journal"));
      throw e;
    }
    prune(backupDir, keep);
    return target;
  }

  /** {@code ok}, or the first problem {@code PRAGMA integrity_check} reports. */
  public static String integrity(Path db) throws SQLException {
    try (Connection c = SqliteFiles.openReader(db)) {
      return Verification.integrity(c);
    }
  }

  /** Removes the temp files of backups whose process was killed. */
  public static java.util.List<Path> removeStaleTemps(Path backupDir) throws IOException {
    return PrivateTemp.removeStale(backupDir, PREFIX + "*");
  }

  private static void prune(Path dir, int keep) throws IOException {
    java.util.List<Path> backups;
    try (var files = Files.list(dir)) {
      backups = files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
          && p.getFileName().toString().endsWith(".db")).sorted().toList();
    }
    for (int i = 0; i < backups.size() - keep; i++) {
      Files.delete(backups.get(i));
    }
  }

  static String stamp(Instant when) {
    return STAMP.format(when);
  }
}
