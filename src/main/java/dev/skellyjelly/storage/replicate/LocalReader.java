package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.DeviceKeys;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * The local side of replication: a read-only SQLite connection on a thread of its own, so ingest
 * never waits for it. It reads the stored watermarks once, then batch after batch.
 */
final class LocalReader {

  /** One read of the local database: its key material and the next batch. */
  record Read(DeviceKeys keys, LocalChanges.Batch batch) {
  }

  private final WorkerExecutor thread;
  private final Path db;
  private Connection connection;
  private LocalChanges changes;

  LocalReader(Vertx vertx, Path db) {
    this.thread = vertx.createSharedWorkerExecutor("skelly-replication-reader", 1);
    this.db = db;
  }

  /** Opens the connection; returns the watermarks replication stopped at. */
  Future<Watermarks> open() {
    return thread.executeBlocking(() -> {
      connection = SqliteFiles.openReader(db);
      changes = new LocalChanges(connection);
      return Watermarks.read(connection);
    }, false);
  }

  /** The next batch after {@code marks}, of about {@code maxEvents} events. */
  Future<Read> next(Watermarks marks, int maxEvents) {
    return thread.executeBlocking(() -> {
      // The keys are read before the batch: blocks sealed under a new key reach PostgreSQL after it.
      DeviceKeys keys = DeviceKeys.read(connection);
      return new Read(keys, changes.next(marks, maxEvents));
    }, false);
  }

  Future<Void> close() {
    return thread.<Void>executeBlocking(() -> {
      if (connection != null) {
        connection.close();
      }
      return null;
    }, false).eventually(thread::close);
  }
}
