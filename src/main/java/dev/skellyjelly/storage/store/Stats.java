package dev.skellyjelly.storage.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * What a database file holds, as one JSON object: events, blocks, windows, screenshot rows,
 * sessions, the oldest and newest event, its size on disk, and what salvage saved or put aside.
 * Read-only: safe while the module runs.
 */
public final class Stats {

  private Stats() {
  }

  /**
   * The figures of {@code db}.
   *
   * @throws IOException when there is no database file at {@code db}
   */
  public static JsonObject of(Path db) throws SQLException, IOException {
    if (!Files.isRegularFile(db)) {
      throw new IOException("no database at " + db + "; pass --db FILE or --config FILE");
    }
    try (Connection c = SqliteFiles.openReader(db); Statement st = c.createStatement()) {
      boolean any = !Schema.blockTables(c).isEmpty();
      long oldest = any ? SqliteFiles.queryLong(st, "SELECT min(start_us) FROM event_blocks") : 0;
      long newest = any ? SqliteFiles.queryLong(st, "SELECT max(end_us) FROM event_blocks") : 0;
      return new JsonObject()
          .put("db", db.toString())
          .put("events", any ? SqliteFiles.queryLong(st, "SELECT coalesce(sum(event_count), 0) FROM event_blocks") : 0)
          .put("blocks", any ? SqliteFiles.queryLong(st, "SELECT count(*) FROM event_blocks") : 0)
          .put("windows", SqliteFiles.queryLong(st, "SELECT count(*) FROM windows"))
          .put("windowEvents", SqliteFiles.queryLong(st, "SELECT coalesce(sum(event_count), 0) FROM windows"))
          .put("screenshots", SqliteFiles.queryLong(st, "SELECT count(*) FROM screenshot_metadata"))
          .put("sessions", SqliteFiles.queryLong(st, "SELECT count(*) FROM sessions"))
          .put("oldestEventMicros", any ? oldest : null)
          .put("newestEventMicros", any ? newest : null)
          .put("oldestEvent", any ? Instant.ofEpochSecond(0, oldest * 1000).toString() : null)
          .put("newestEvent", any ? Instant.ofEpochSecond(0, newest * 1000).toString() : null)
          .put("dbBytes", SqliteFiles.bytesOnDisk(db))
          .put("salvage", salvage(c))
          .put("quarantined", quarantined(db));
    }
  }

  /** The report of the salvage that built this database, or null (never; or schema before 3). */
  private static JsonObject salvage(Connection c) throws SQLException {
    String report = Schema.userVersion(c) >= 3 ? Settings.get(c, Salvage.SETTINGS_KEY) : null;
    return report == null ? null : new JsonObject(report);
  }

  /** Damaged databases moved aside at start ({@code <db>.corrupt-<time>}), oldest first. */
  private static JsonArray quarantined(Path db) throws IOException {
    String prefix = db.getFileName() + ".corrupt-";
    try (var files = Files.list(db.toAbsolutePath().getParent())) {
      return new JsonArray(files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix) && !n.endsWith("-wal") && !n.endsWith("-shm"))
          .sorted().map(n -> (Object) db.resolveSibling(n).toString()).toList());
    }
  }
}
