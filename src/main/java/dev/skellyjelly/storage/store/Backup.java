package dev.skellyjelly.storage.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Online backup and restore. A backup is {@code VACUUM INTO} from a read-only connection — a
 * consistent copy while the writer goes on (copying the live file and its WAL would not be) —
 * checked with {@code PRAGMA integrity_check} before it is kept, private (600 in a 700
 * directory), the oldest beyond {@code keep} deleted. Restore refuses while a module holds the
 * database's lock, checks the backup, and moves the current files aside rather than deleting.
 */
public final class Backup {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final String PREFIX = "events-";

  private Backup() {
  }

  public static Path backup(Path db, Path backupDir, int keep) throws SQLException, IOException {
    SqliteFiles.ensurePrivateDirectory(backupDir);
    Path target = backupDir.resolve(PREFIX + STAMP.format(Instant.now()) + ".db");
    Path temp = backupDir.resolve(target.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    try (Connection c = SqliteFiles.openReader(db); Statement st = c.createStatement()) {
      st.execute("VACUUM INTO '" + temp.toString().replace("'", "''") + "'");
    }
    Files.setPosixFilePermissions(temp, SqliteFiles.PRIVATE_FILE);
    String integrity = integrity(temp);
    if (!"ok".equals(integrity)) {
      Files.deleteIfExists(temp);
      throw new SQLException("backup of " + db + " failed its integrity check (" + integrity
          + "); nothing was kept");
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    prune(backupDir, keep);
    return target;
  }

  /** {@code ok}, or the first problem {@code PRAGMA integrity_check} reports. */
  public static String integrity(Path db) throws SQLException {
    try (Connection c = SqliteFiles.openReader(db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      return rs.next() ? rs.getString(1) : "no answer";
    }
  }

  private static void prune(Path dir, int keep) throws IOException {
    List<Path> backups;
    try (var files = Files.list(dir)) {
      backups = files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
          && p.getFileName().toString().endsWith(".db")).sorted().toList();
    }
    for (int i = 0; i < backups.size() - keep; i++) {
      Files.delete(backups.get(i));
    }
  }

  /**
   * Replaces {@code db} by {@code backup}.
   *
   * @return where the previous database was moved, or {@code null} if there was none
   */
  public static Path restore(Path backup, Path db) throws SQLException, IOException {
    if (!Files.isRegularFile(backup)) {
      throw new IOException("backup " + backup + " does not exist");
    }
    String integrity = integrity(backup);
    if (!"ok".equals(integrity)) {
      throw new SQLException("backup " + backup + " fails its integrity check (" + integrity
          + "); the current database was left as it is");
    }
    try (DatabaseLock lock = DatabaseLock.tryAcquire(db)) {
      if (lock == null) {
        throw new IllegalStateException("a storage module is running against " + db
            + "; stop it first, then restore");
      }
      Path aside = null;
      if (Files.exists(db)) {
        aside = db.resolveSibling(db.getFileName() + ".before-restore-" + STAMP.format(Instant.now()));
        Files.move(db, aside, StandardCopyOption.ATOMIC_MOVE);
        for (String suffix : new String[] {"-wal", "-shm"}) {
          Path side = Path.of(db + suffix);
          if (Files.exists(side)) {
            Files.move(side, Path.of(aside + suffix), StandardCopyOption.ATOMIC_MOVE);
          }
        }
      }
      Path temp = db.resolveSibling(db.getFileName() + ".restore.tmp");
      Files.copy(backup, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(temp, SqliteFiles.PRIVATE_FILE);
      Files.move(temp, db, StandardCopyOption.ATOMIC_MOVE);
      return aside;
    }
  }
}
