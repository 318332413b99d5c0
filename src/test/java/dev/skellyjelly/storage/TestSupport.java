package dev.skellyjelly.storage;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.MouseButton;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.store.BlockCodec;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Schema;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** Configurations with short intervals, sample events, and reading events back from SQLite. */
public final class TestSupport {

  private TestSupport() {
  }

  /** The [storage] table of a test configuration below {@code dir}, with short intervals. */
  public static JsonObject storageTable(Path dir) {
    return new JsonObject()
        .put("database_path", dir.resolve("db/events.db").toString())
        .put("screenshot_dir", dir.resolve("shots").toString())
        .put("backup_dir", dir.resolve("backups").toString())
        .put("batch_window_seconds", 60)
        .put("write_interval_ms", 50)
        .put("screenshot_retention_seconds", 60);
  }

  public static StorageConfig config(JsonObject storage) {
    return StorageConfig.fromJson(new JsonObject().put("storage", storage)
        .put("http", new JsonObject().put("enabled", false)));
  }

  public static StorageConfig config(Path dir) {
    return config(storageTable(dir));
  }

  /** One event of every kind of one session, sequences 0..6, screenshot included. */
  public static List<RawEvent> everyKind(UUID session, long t0) {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    return List.of(
        new RawEvent.Keystroke(t0, session, 0, 65, 2),
        new RawEvent.MouseMove(t0 + 10, session, 1, 1919, -40),
        new RawEvent.MouseClick(t0 + 20, session, 2, 300, 400, MouseButton.RIGHT, 2),
        new RawEvent.WindowFocus(t0 + 30, session, 3, "Inbox — Mail ✉", "Thunderbird", 4242),
        new RawEvent.Screenshot(t0 + 40, session, 4, ScreenshotId.random(), png, ImageFormat.PNG,
            0, 0, "Inbox — Mail ✉", "Thunderbird", new ScreenRegion(0, 0, 1920, 1080), true),
        new RawEvent.ProcessStart(t0 + 50, session, 5, "code", 777, "/usr/bin/code"),
        new RawEvent.ResourceUsage(t0 + 60, session, 6, 12.5f, 734_003_200L));
  }

  /** Every stored event, decoded from the blocks, in (session key, sequence) order. */
  public static List<RawEvent> storedEvents(Path db) throws SQLException {
    List<RawEvent> out = new ArrayList<>();
    BlockCodec codec = new BlockCodec();
    try (Connection c = SqliteFiles.openReader(db)) {
      for (String table : Schema.blockTables(c)) {
        try (PreparedStatement ps = c.prepareStatement("SELECT s.session_id, b.payload FROM " + table
            + " b JOIN sessions s ON s.session_key = b.session_key ORDER BY b.session_key, b.first_seq");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.addAll(codec.decode(rs.getBytes(2), Uuids.fromBytes(rs.getBytes(1))));
          }
        }
      }
    }
    return bySessionAndSequence(out);
  }

  /** A copy of {@code events} in (session, sequence) order: how stored events are compared. */
  public static List<RawEvent> bySessionAndSequence(List<RawEvent> events) {
    List<RawEvent> out = new ArrayList<>(events);
    out.sort(Comparator.comparing(RawEvent::sessionId).thenComparingLong(RawEvent::sequence));
    return out;
  }

  /** The first column of the first row of a query, as a long. */
  public static long queryLong(Path db, String sql) throws SQLException {
    try (Connection c = SqliteFiles.openReader(db);
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  /** A database with {@code count} events of one synthetic session, 1 ms apart from {@code t0}. */
  public static Path databaseWithEvents(Path db, long t0, int count) throws Exception {
    var capture = new dev.skellyjelly.storage.demo.SyntheticCapture(UUID.randomUUID(), 3);
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(capture.next(t0 + i * 1000L));
    }
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(events);
      store.commit();
    }
    return db;
  }
}
