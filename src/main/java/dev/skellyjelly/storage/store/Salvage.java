package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What happens to a damaged database at start: it is moved aside
 * ({@code <db>.corrupt-<time>}, 600, its WAL with it), a fresh database takes its place, and
 * what can still be read is copied in — every block that decodes (re-staged as events, so the
 * stored sequences and minute aggregates follow), windows, screenshot metadata, aggregates and
 * settings. Tables are read by {@link DamagedTableScan}, so one bad page costs the rows on it, not
 * the table.
 */
public final class Salvage {

  /** Settings key under which the fresh database keeps the report of its salvage. */
  public static final String SETTINGS_KEY = "salvage";
  private static final int COMMIT_EVENTS = 50_000;

  /** What was saved from where, and what was lost. */
  public record Report(Path quarantined, String damage, long blocksSaved, long eventsSaved,
      long blocksLost, long eventsLost, long eventsInWindows, Map<String, Long> rowsCopied,
      List<String> problems) {

    public JsonObject toJson() {
      return new JsonObject().put("quarantined", quarantined.toString()).put("damage", damage)
          .put("blocksSaved", blocksSaved).put("eventsSaved", eventsSaved)
          .put("blocksLost", blocksLost).put("eventsLost", eventsLost)
          .put("eventsInWindows", eventsInWindows)
          .put("rowsCopied", new JsonObject(new HashMap<>(rowsCopied)))
          .put("problems", new JsonArray(new ArrayList<>(problems)));
    }

    public String summary() {
      return "DATABASE DAMAGED (" + damage + "): moved aside to " + quarantined + "; salvaged "
          + eventsSaved + " events in " + blocksSaved + " blocks and " + rowsCopied
          + "; lost " + blocksLost + " undecodable blocks (" + eventsLost + " events) plus the rows on"
          + " unreadable pages" + (eventsInWindows > eventsSaved ? " (the salvaged windows count "
          + eventsInWindows + " events: about " + (eventsInWindows - eventsSaved) + " are gone)" : "")
          + (problems.isEmpty() ? "" : "; unreadable: " + problems);
    }
  }

  private Salvage() {
  }

  /** Moves {@code db} aside and rebuilds it from what is readable. Call with its lock held. */
  public static Report quarantineAndSalvage(Path db, String damage, Instant now,
      StorageConfig.Encryption encryption) throws IOException, SQLException {
    Path quarantined = db.resolveSibling(db.getFileName() + ".corrupt-" + Backup.stamp(now));
    Files.move(db, quarantined, StandardCopyOption.ATOMIC_MOVE);
    Files.setPosixFilePermissions(quarantined, SqliteFiles.PRIVATE_FILE);
    Path wal = Path.of(db + "-wal");
    if (Files.exists(wal)) {
      Files.move(wal, Path.of(quarantined + "-wal"), StandardCopyOption.ATOMIC_MOVE);
      Files.setPosixFilePermissions(Path.of(quarantined + "-wal"), SqliteFiles.PRIVATE_FILE);
    }
    Files.deleteIfExists(Path.of(db + "-shm")); // an index of the WAL, rebuilt on open
    Salvage s = new Salvage();
    try (EventStore fresh = EventStore.open(db, "NORMAL", 5_000, encryption)) {
      s.copyFrom(quarantined, fresh, encryption);
      long inWindows;
      try (java.sql.Statement st = fresh.connection().createStatement()) {
        inWindows = SqliteFiles.queryLong(st, "SELECT coalesce(sum(event_count), 0) FROM windows");
      }
      Report report = new Report(quarantined, damage, s.blocksSaved, s.eventsSaved, s.blocksLost,
          s.eventsLost, inWindows, s.rowsCopied, s.problems);
      Settings.put(fresh.connection(), SETTINGS_KEY, report.toJson().encode());
      return report;
    }
  }

  private long blocksSaved;
  private long eventsSaved;
  private long blocksLost;
  private long eventsLost;
  private final Map<String, Long> rowsCopied = new java.util.LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private void copyFrom(Path damaged, EventStore fresh, StorageConfig.Encryption encryption)
      throws SQLException {
    try (Connection old = SqliteFiles.openReader(damaged)) {
      BlockCrypto crypto;
      try {
        crypto = EncryptionAtRest.openForReading(old, encryption);
      } catch (SQLException e) {
        crypto = null; // the keys are on a damaged page: encrypted blocks count as lost
        problems.add("the encryption keys (" + e.getMessage() + ")");
      }
      DamagedTableScan scanner = new DamagedTableScan(old, problems);
      Map<Long, UUID> sessions = new HashMap<>();
      scanner.scan("sessions", "session_key", "session_id", Long.MIN_VALUE,
          rs -> sessions.put(rs.getLong(1), Uuids.fromBytes(rs.getBytes(2))));
      List<String> tables;
      try {
        tables = Schema.blockTables(old);
      } catch (SQLException e) {
        problems.add("the list of tables (" + e.getMessage() + ")");
        return;
      }
      for (String table : tables) {
        salvageBlocks(scanner, table, sessions, fresh, crypto);
      }
      fresh.commit();
      Connection c = fresh.connection();
      copyRows(scanner, c, "windows", "window_id", new byte[0],
          "window_id, start_us, end_us, event_count, members, screenshot_refs", "INSERT OR IGNORE");
      copyRows(scanner, c, "screenshot_metadata", "screenshot_id", new byte[0], "screenshot_id,"
          + " timestamp_us, session_id, sequence, window_title, app_name, region_x, region_y,"
          + " region_width, region_height, width, height, format, size_bytes, storage, text_density,"
          + " ui_element_count, dominant_colors, privacy_masked, analysis_error, masked_regions,"
          + " masked_kinds", "INSERT OR IGNORE");
      String counts = MinuteRows.COUNT_COLUMNS;
      // The old minute rows are the truth where they survived (screenshots included); the
      // salvaged events recomputed the others.
      copyRows(scanner, c, "event_aggregates_minute", "minute_start_us", Long.MIN_VALUE,
          "minute_start_us, " + counts + ", active_seconds_mask", "INSERT OR REPLACE");
      copyRows(scanner, c, "event_aggregates_hourly", "hour_start_us", Long.MIN_VALUE,
          "hour_start_us, " + counts, "INSERT OR IGNORE");
      copyRows(scanner, c, "event_aggregates_daily", "day_start_us", Long.MIN_VALUE,
          "day_start_us, " + counts, "INSERT OR IGNORE");
      copyRows(scanner, c, "settings", "key", "", "key, value", "INSERT OR IGNORE");
      // Replication marks name rowids and change numbers of the damaged file, which the fresh one
      // numbers anew: without them everything ships again, which replication makes harmless.
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM settings WHERE key LIKE 'replication.watermark.%'")) {
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      problems.add("the damaged file could not be opened (" + e.getMessage() + ")");
    }
  }

  private void salvageBlocks(DamagedTableScan scanner, String table, Map<Long, UUID> sessions, EventStore fresh,
      BlockCrypto crypto) throws SQLException {
    BlockCodec codec = new BlockCodec(crypto);
    List<Object[]> rows = new ArrayList<>();
    scanner.scan(table, "rowid", "session_key, event_count, payload, first_seq, last_seq", Long.MIN_VALUE,
        rs -> rows.add(new Object[] {rs.getLong(2), rs.getInt(3), rs.getBytes(4), rs.getLong(5),
            rs.getLong(6)}));
    for (Object[] row : rows) {
      UUID session = sessions.get((Long) row[0]);
      int count = (Integer) row[1];
      List<RawEvent> events = null;
      if (session != null) {
        try {
          events = codec.decode((byte[]) row[2], session, (Long) row[3], (Long) row[4]);
        } catch (RuntimeException undecodable) {
          events = null; // counted as lost below, with the table named in the report
        }
      }
      if (events == null || events.size() != count) {
        blocksLost++;
        eventsLost += count;
        continue;
      }
      fresh.stage(events);
      blocksSaved++;
      eventsSaved += events.size();
      if (fresh.stagedEventCount() >= COMMIT_EVENTS) {
        fresh.commit();
      }
    }
  }

  private void copyRows(DamagedTableScan scanner, Connection fresh, String table, String key, Object start,
      String columns, String verb) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    int width = columns.split(",").length;
    scanner.scan(table, key, columns, start, rs -> {
      Object[] row = new Object[width];
      for (int i = 0; i < width; i++) {
        row[i] = rs.getObject(i + 2);
      }
      rows.add(row);
    });
    try (PreparedStatement insert = fresh.prepareStatement(verb + " INTO " + table + " (" + columns
        + ") VALUES (" + "?, ".repeat(width - 1) + "?)")) {
      for (Object[] row : rows) {
        for (int i = 0; i < width; i++) {
          insert.setObject(i + 1, row[i]);
        }
        insert.executeUpdate();
      }
    }
    rowsCopied.put(table, (long) rows.size());
  }
}
