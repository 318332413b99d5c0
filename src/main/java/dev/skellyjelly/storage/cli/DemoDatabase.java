package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.store.DatabaseLock;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Settings;
import dev.skellyjelly.storage.store.SqliteFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The demo's database: a fresh one, marked in its {@code settings} as created by demo. An
 * existing file is replaced only if it carries that mark and no module holds its lock — demo
 * never destroys data it did not create.
 */
final class DemoDatabase {
  private DemoDatabase() {
  }

  /** Replaces (or creates) {@code db} with an empty database carrying demo's mark. */
  static void replace(Path db) throws IOException, SQLException {
    try (DatabaseLock lock = DatabaseLock.tryAcquire(db)) {
      if (lock == null) {
        throw new RefusedException("a storage module is running against " + db + "; demo never"
            + " touches a database in use — stop that module or pass --db with another file");
      }
      if (Files.exists(db)) {
        Optional<String> mark = Optional.ofNullable(mark(db));
        if (!mark.equals(Optional.of(Settings.CREATED_BY_DEMO))) {
          throw new RefusedException(db + " was not created by demo (" + mark.map(m -> "created_by = " + m)
              .orElse("it carries no created_by = demo mark") + "), so demo will not replace it;"
              + " pass --db with a new file, or move this one away yourself");
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
          Files.deleteIfExists(Path.of(db + suffix));
        }
      }
      try (EventStore store = EventStore.open(db, "NORMAL")) {
        Settings.put(store.connection(), Settings.CREATED_BY, Settings.CREATED_BY_DEMO);
      }
    }
  }

  /** The created_by mark, or null; a file whose settings cannot be read carries none. */
  private static String mark(Path db) {
    try (Connection c = SqliteFiles.openReader(db)) {
      return Settings.get(c, Settings.CREATED_BY);
    } catch (SQLException noSettings) {
      throw new RefusedException(db + " exists and is not a database demo created (its settings"
          + " cannot be read: " + noSettings.getMessage() + "); demo will not replace it — pass --db"
          + " with a new file");
    }
  }

  /** Demo declined to touch an existing file; the message says why and what to do. */
  static final class RefusedException extends IllegalStateException {
    RefusedException(String message) {
      super(message);
    }
  }
}
