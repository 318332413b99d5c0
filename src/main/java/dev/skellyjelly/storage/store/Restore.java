package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Replaces a database by a backup so that a kill at any moment leaves a valid database at the
 * path — the old one or the restored one:
 * <ol>
 *   <li>the backup is copied to a private temp file beside the database and verified there
 *       ({@code integrity_check}, schema version, every block decodes);</li>
 *   <li>the current database's WAL is checkpointed into it, so the main file alone is whole;</li>
 *   <li>a journal ({@code <db>.restore-journal}) names the temp file and where the old file goes;</li>
 *   <li>the old file is hard-linked aside ({@code <db>.before-restore-<time>}), the temp file is
 *       renamed over the database (one atomic rename), the old {@code -wal}/{@code -shm} are
 *       removed, and the journal last.</li>
 * </ol>
 * {@link #recover} finishes a restore whose journal is still there; the module and the restore
 * command run it before anything else touches the database.
 */
public final class Restore {

  /** Where the restored database is, and where the previous one was kept ({@code null}: none). */
  public record Result(Path restored, Path previous) {
  }

  /** A point between the steps; tests stop there to see what a kill at that moment leaves. */
  interface Steps {
    void reached(String step) throws IOException;
  }

  private static final String JOURNAL_SUFFIX = ".restore-journal";

  private Restore() {
  }

  /** Restores {@code backup} over {@code db}; {@code encryption} opens its blocks for the check. */
  public static Result restore(Path backup, Path db, StorageConfig.Encryption encryption)
      throws SQLException, IOException {
    return restore(backup, db, encryption, step -> { });
  }

  static Result restore(Path backup, Path db, StorageConfig.Encryption encryption, Steps steps)
      throws SQLException, IOException {
    if (!Files.isRegularFile(backup)) {
      throw new IOException("backup " + backup + " does not exist; name a file written by"
          + " 'launcher/storage backup'");
    }
    try (DatabaseLock lock = DatabaseLock.tryAcquire(db)) {
      if (lock == null) {
        throw new IllegalStateException("a storage module is running against " + db
            + "; stop it first, then restore");
      }
      recover(db).ifPresent(System.err::println);
      removeStaleTemps(db);
      Path temp = copyAndVerify(backup, db, encryption, steps);
      Path aside = null;
      if (Files.exists(db)) {
        aside = db.resolveSibling(db.getFileName() + ".before-restore-" + Backup.stamp(Instant.now()));
        checkpoint(db);
      }
      steps.reached("checkpointed");
      writeJournal(db, temp, aside);
      steps.reached("journal");
      finish(db, temp, aside, steps);
      return new Result(db, aside);
    }
  }

  /** Removes the temp files (copy, journal, aside copy) of restores whose process was killed. */
  public static java.util.List<Path> removeStaleTemps(Path db) throws IOException {
    return PrivateTemp.removeStale(db.toAbsolutePath().getParent(), PrivateTemp.literal(db.getFileName().toString()) + ".*");
  }

  private static String tempPrefix(Path db) {
    return db.getFileName() + ".restore";
  }

  private static Path copyAndVerify(Path backup, Path db, StorageConfig.Encryption encryption,
      Steps steps) throws SQLException, IOException {
    Path temp = PrivateTemp.create(db.toAbsolutePath().getParent(), tempPrefix(db));
    try {
      try (InputStream in = Files.newInputStream(backup);
          OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
        in.transferTo(out);
      }
      steps.reached("copied");
      String problem = Verification.problem(temp, encryption);
      if (problem != null) {
        throw new SQLException("backup " + backup + " " + problem
            + "; the current database was left as it is");
      }
      force(temp);
      return temp;
    } catch (IOException | SQLException | RuntimeException e) {
      deleteWithSideFiles(temp);
      throw e;
    }
  }

  /** Folds the WAL into the main file and empties it, so the file alone is the database. */
  private static void checkpoint(Path db) throws SQLException, IOException {
    try (Connection c = SqliteFiles.openWriter(db, "FULL"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      if (rs.next() && rs.getInt(1) != 0) {
        throw new SQLException("cannot checkpoint " + db + " (another connection is reading it);"
            + " close the programs that read it, then restore again");
      }
    }
  }

  private static void writeJournal(Path db, Path temp, Path aside) throws IOException {
    Properties p = new Properties();
    p.setProperty("temp", temp.toAbsolutePath().toString());
    if (aside != null) {
      p.setProperty("aside", aside.toAbsolutePath().toString());
    }
    Path journal = journal(db);
    Path partial = PrivateTemp.create(db.toAbsolutePath().getParent(), journal.getFileName().toString());
    try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
      p.store(w, "restore of " + db + " in progress: finished by the next start or restore");
    }
    force(partial);
    Files.move(partial, journal, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(journal);
  }

  private static void finish(Path db, Path temp, Path aside, Steps steps) throws IOException {
    if (Files.exists(temp)) {
      if (aside != null && !Files.exists(aside) && Files.exists(db)) {
        keepAside(db, aside);
      }
      steps.reached("aside");
      Files.move(temp, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(db);
    }
    steps.reached("swapped");
    // Checkpointed and truncated before the swap, so nothing of the old database is lost here.
    Files.deleteIfExists(Path.of(db + "-wal"));
    Files.deleteIfExists(Path.of(db + "-shm"));
    steps.reached("cleaned");
    Files.delete(journal(db));
    forceDirectory(db);
  }

  /** A hard link keeps the old file under a second name while the database path still has it. */
  private static void keepAside(Path db, Path aside) throws IOException {
    try {
      Files.createLink(aside, db);
    } catch (UnsupportedOperationException | IOException noLinks) {
      Path partial = PrivateTemp.create(db.toAbsolutePath().getParent(), aside.getFileName().toString());
      try (InputStream in = Files.newInputStream(db);
          OutputStream out = Files.newOutputStream(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
        in.transferTo(out);
      }
      force(partial);
      Files.move(partial, aside, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Finishes a restore that was interrupted (its journal is still there). Call with the
   * database's lock held, before opening it.
   *
   * @return what was done, to be said loudly; empty when there was nothing to finish
   */
  public static Optional<String> recover(Path db) throws IOException {
    Path journal = journal(db);
    if (!Files.exists(journal)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Path temp = Path.of(p.getProperty("temp", db + ".restore.missing.tmp"));
    Path aside = p.getProperty("aside") == null ? null : Path.of(p.getProperty("aside"));
    if (Files.exists(temp)) {
      finish(db, temp, aside, step -> { });
      return Optional.of("RESTORE FINISHED: an interrupted restore of " + db + " was completed at"
          + " start (the backup had been verified); the previous database is kept at " + aside);
    }
    if (Files.exists(db)) {
      finish(db, temp, aside, step -> { });
      return Optional.of("RESTORE FINISHED: an interrupted restore of " + db + " had already"
          + " swapped the files; its leftovers were removed (previous database: " + aside + ")");
    }
    if (aside != null && Files.exists(aside)) {
      Files.createLink(db, aside);
      Files.delete(journal);
      forceDirectory(db);
      return Optional.of("RESTORE ROLLED BACK: an interrupted restore left no database at " + db
          + "; the previous one was put back from " + aside);
    }
    throw new IOException("an interrupted restore of " + db + " left neither the database, its"
        + " verified copy " + temp + " nor the previous file; look at " + journal
        + " and restore a backup again");
  }

  private static Path journal(Path db) {
    return Path.of(db + JOURNAL_SUFFIX);
  }

  private static void deleteWithSideFiles(Path file) throws IOException {
    for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
      Files.deleteIfExists(Path.of(file + suffix));
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a rename in the directory durable (POSIX: fsync the directory). */
  private static void forceDirectory(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
