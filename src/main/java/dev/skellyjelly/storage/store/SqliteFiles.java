package dev.skellyjelly.storage.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Set;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens SQLite files the way this module needs them: private to the user (file 600 inside a 700
 * directory, created so before SQLite touches them; SQLite gives its -wal and -shm files the
 * database file's mode), WAL, and the pragmas of the SQLite seed.
 */
public final class SqliteFiles {

  public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

  private SqliteFiles() {
  }

  /** Creates {@code dir} (and missing parents) as 700 if it does not exist. */
  public static void ensurePrivateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } catch (FileAlreadyExistsException aFileInTheWay) {
        // A parent on the path is a regular file: say that, not "already exists".
        throw new java.nio.file.NotDirectoryException(aFileInTheWay.getFile());
      }
      Files.setPosixFilePermissions(dir, PRIVATE_DIR); // createDirectories is subject to the umask
    }
  }

  /** Creates an empty 600 file unless one exists; existing files are tightened to 600. */
  public static void ensurePrivateFile(Path file) throws IOException {
    ensurePrivateDirectory(file.toAbsolutePath().getParent());
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
    } catch (FileAlreadyExistsException ignored) {
      // An existing database: keep it, only make sure nobody else can read it.
    }
    Files.setPosixFilePermissions(file, PRIVATE_FILE);
  }

  /** The single writing connection: WAL, chosen synchronous mode, no generated-key fetching. */
  public static Connection openWriter(Path db, String synchronous) throws SQLException, IOException {
    return openWriter(db, synchronous, 5_000);
  }

  /** As above, waiting at most {@code busyTimeoutMs} for another connection's lock. */
  public static Connection openWriter(Path db, String synchronous, int busyTimeoutMs)
      throws SQLException, IOException {
    ensurePrivateFile(db);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
    config.enforceForeignKeys(true);
    config.setCacheSize(-10_000);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setBusyTimeout(busyTimeoutMs);
    config.setGetGeneratedKeys(false);
    return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), config.toProperties());
  }

  /** A read-only connection: cannot write even by mistake, and never creates the file. */
  public static Connection openReader(Path db) throws SQLException {
    return DriverManager.getConnection(url(db), readerConfig().toProperties());
  }

  /** The settings of every read-only connection: opened read-only, 4 MB of page cache. */
  static SQLiteConfig readerConfig() {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setBusyTimeout(5_000);
    config.setCacheSize(-4_000);
    return config;
  }

  static String url(Path db) {
    return "jdbc:sqlite:" + db.toAbsolutePath();
  }

  /** The first column of the first row of {@code sql} as a long, 0 when there is no row. */
  public static long queryLong(java.sql.Statement st, String sql) throws SQLException {
    try (java.sql.ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * The database's bytes on disk: the file plus its write-ahead log, which holds the commits not
   * yet checkpointed into it. A file missing counts 0.
   */
  public static long bytesOnDisk(Path db) throws IOException {
    long size = 0;
    for (Path p : new Path[] {db, Path.of(db + "-wal")}) {
      try {
        size += Files.size(p);
      } catch (java.nio.file.NoSuchFileException e) {
        // not there (yet, or any more): nothing on disk
      }
    }
    return size;
  }
}
