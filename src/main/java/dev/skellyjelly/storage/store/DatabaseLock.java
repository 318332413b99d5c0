package dev.skellyjelly.storage.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An OS file lock on {@code <database>.lock}, held by a running module's writer for its whole
 * life, so tools that must not run beside it (restore) can tell. The OS drops it if the process
 * dies, so a crash never leaves it stale.
 */
public final class DatabaseLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DatabaseLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or {@code null} if another process (or this one) holds it. */
  public static DatabaseLock tryAcquire(Path db) throws IOException {
    SqliteFiles.ensurePrivateDirectory(db.toAbsolutePath().getParent());
    FileChannel channel = FileChannel.open(Path.of(db + ".lock"), java.util.Set.of(
        StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(SqliteFiles.PRIVATE_FILE));
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return null;
      }
      return new DatabaseLock(channel, lock);
    } catch (OverlappingFileLockException heldHere) {
      channel.close();
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
