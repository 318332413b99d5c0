package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * How a database reaches {@link Schema#CURRENT_VERSION}: versioned in {@code PRAGMA user_version}
 * and upgraded one step per version at start, inside a transaction, by the writer (the only
 * connection that writes). The steps are history: a released step never changes, so they spell
 * their columns out rather than follow today's constants.
 *
 * <p>Changelog:
 * <ul>
 *   <li>1 — sessions, session_seq_ranges, windows, event_aggregates_minute, screenshot_metadata;
 *       event blocks live in one table per UTC day ({@code event_blocks_YYYYMMDD}), created on
 *       demand, so retention is a {@code DROP TABLE}.</li>
 *   <li>2 — event_aggregates_hourly and event_aggregates_daily, rolled up from the minute rows.</li>
 *   <li>3 — a partial index of the <em>long</em> blocks of each day table (span over
 *       {@link Schema#SHORT_BLOCK_SPAN_MICROS}), so that readers find every block overlapping a range
 *       whatever its span; a {@code sealed} flag on blocks (1: written by merging) with a partial
 *       index of the fresh ones, which merging reads; {@code settings}, the module's own
 *       key/value marks; {@code screenshot_metadata.masked_regions} and {@code masked_kinds}
 *       (what PII masking found).</li>
 *   <li>4 — a change counter ({@code change_counter}) and a {@code change_seq} column stamped from
 *       it by triggers whenever a row is written: on minute aggregates and screenshot metadata
 *       (inserted or updated), and on blocks (when a payload is rewritten in place: sealing,
 *       re-encryption). Replication follows these from a watermark, exactly (see
 *       {@link Schema#CHANGE_COUNTER}). Existing minute and screenshot rows are numbered.</li>
 * </ul>
 */
public final class SchemaMigration {

  private static final List<String> V1 = List.of(
      """
      CREATE TABLE sessions (
        session_key INTEGER PRIMARY KEY,
        session_id  BLOB NOT NULL UNIQUE
      )""",
      // Which sequence numbers of a session are stored: a retried event is found here and skipped.
      """
      CREATE TABLE session_seq_ranges (
        session_key INTEGER NOT NULL,
        lo INTEGER NOT NULL,
        hi INTEGER NOT NULL,
        PRIMARY KEY (session_key, lo)
      ) WITHOUT ROWID""",
      """
      CREATE TABLE windows (
        window_id   BLOB PRIMARY KEY,
        start_us    INTEGER NOT NULL,
        end_us      INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        members     BLOB NOT NULL,
        screenshot_refs BLOB NOT NULL
      ) WITHOUT ROWID""",
      "CREATE INDEX idx_windows_start ON windows(start_us)",
      """
      CREATE TABLE event_aggregates_minute (
        minute_start_us  INTEGER PRIMARY KEY,
        keystroke_count  INTEGER NOT NULL,
        mouse_clicks     INTEGER NOT NULL,
        window_switches  INTEGER NOT NULL,
        active_time_ms   INTEGER NOT NULL,
        screenshot_count INTEGER NOT NULL,
        active_seconds_mask INTEGER NOT NULL
      ) WITHOUT ROWID""",
      """
      CREATE TABLE screenshot_metadata (
        screenshot_id    BLOB PRIMARY KEY,
        timestamp_us     INTEGER NOT NULL,
        session_id       BLOB NOT NULL,
        sequence         INTEGER NOT NULL,
        window_title     TEXT NOT NULL,
        app_name         TEXT NOT NULL,
        region_x INTEGER NOT NULL, region_y INTEGER NOT NULL,
        region_width INTEGER NOT NULL, region_height INTEGER NOT NULL,
        width INTEGER NOT NULL, height INTEGER NOT NULL,
        format           TEXT NOT NULL,
        size_bytes       INTEGER NOT NULL,
        storage          TEXT NOT NULL,
        text_density     REAL,
        ui_element_count INTEGER,
        dominant_colors  TEXT,
        privacy_masked   INTEGER NOT NULL,
        analysis_error   TEXT
      ) WITHOUT ROWID""",
      "CREATE INDEX idx_screenshots_timestamp ON screenshot_metadata(timestamp_us)");

  private static final List<String> V2 = List.of(
      rollupTable("event_aggregates_hourly", "hour_start_us"),
      rollupTable("event_aggregates_daily", "day_start_us"));

  private static final List<String> V3 = List.of(
      // The module's own marks (e.g. who created the database, the device id); never user data.
      "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
      // What PII masking found in a screenshot: how many regions, and which kinds (never the text).
      "ALTER TABLE screenshot_metadata ADD COLUMN masked_regions INTEGER",
      "ALTER TABLE screenshot_metadata ADD COLUMN masked_kinds TEXT");

  /** Minute rows as their counts change, screenshot rows as any field changes (masking, sealing). */
  private static final String MINUTE_COLUMNS = "keystroke_count, mouse_clicks, window_switches, active_time_ms,"
      + " screenshot_count, active_seconds_mask";
  private static final String SCREENSHOT_COLUMNS = "timestamp_us, session_id, sequence, window_title, app_name,"
      + " region_x, region_y, region_width, region_height, width, height, format, size_bytes, storage,"
      + " text_density, ui_element_count, dominant_colors, privacy_masked, analysis_error, masked_regions,"
      + " masked_kinds";

  private static final List<String> V4_TRIGGERS = List.of(
      "CREATE TRIGGER minute_inserted AFTER INSERT ON event_aggregates_minute BEGIN "
          + Schema.stamp("event_aggregates_minute", "minute_start_us = NEW.minute_start_us") + " END",
      "CREATE TRIGGER minute_updated AFTER UPDATE OF " + MINUTE_COLUMNS + " ON event_aggregates_minute BEGIN "
          + Schema.stamp("event_aggregates_minute", "minute_start_us = NEW.minute_start_us") + " END",
      "CREATE TRIGGER screenshot_inserted AFTER INSERT ON screenshot_metadata BEGIN "
          + Schema.stamp("screenshot_metadata", "screenshot_id = NEW.screenshot_id") + " END",
      "CREATE TRIGGER screenshot_updated AFTER UPDATE OF " + SCREENSHOT_COLUMNS + " ON screenshot_metadata BEGIN "
          + Schema.stamp("screenshot_metadata", "screenshot_id = NEW.screenshot_id") + " END");

  /** Statements of step 4 (block tables existing at the time get their column, index and trigger). */
  private static List<String> v4(Connection c) throws SQLException {
    List<String> sql = new java.util.ArrayList<>();
    sql.add("CREATE TABLE " + Schema.CHANGE_COUNTER + " (only_row INTEGER PRIMARY KEY CHECK (only_row = 1),"
        + " seq INTEGER NOT NULL)");
    sql.add("INSERT INTO " + Schema.CHANGE_COUNTER + " VALUES (1, 0)");
    for (String[] t : new String[][] {{"event_aggregates_minute", "minute_start_us"},
        {"screenshot_metadata", "screenshot_id"}}) {
      sql.add("ALTER TABLE " + t[0] + " ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0");
      // Existing rows are numbered after the counter, so a replica that has not seen them yet gets them.
      sql.add("UPDATE " + t[0] + " SET change_seq = (SELECT seq FROM " + Schema.CHANGE_COUNTER + ") + n.rn FROM"
          + " (SELECT " + t[1] + " AS k, row_number() OVER (ORDER BY " + t[1] + ") AS rn FROM " + t[0] + ") n"
          + " WHERE n.k = " + t[0] + "." + t[1]);
      sql.add("UPDATE " + Schema.CHANGE_COUNTER + " SET seq = seq + (SELECT count(*) FROM " + t[0] + ")");
      sql.add("CREATE INDEX idx_" + t[0] + "_change ON " + t[0] + "(change_seq)");
    }
    sql.addAll(V4_TRIGGERS);
    for (String table : Schema.blockTables(c)) {
      sql.add("ALTER TABLE " + table + " ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0");
      sql.add(Schema.rewrittenBlockIndex(table));
      sql.add(Schema.rewrittenBlockTrigger(table));
    }
    return sql;
  }

  private static String rollupTable(String name, String key) {
    return "CREATE TABLE " + name + " (" + key + " INTEGER PRIMARY KEY, keystroke_count INTEGER NOT NULL,"
        + " mouse_clicks INTEGER NOT NULL, window_switches INTEGER NOT NULL,"
        + " active_time_ms INTEGER NOT NULL, screenshot_count INTEGER NOT NULL) WITHOUT ROWID";
  }

  /** Brings the database to {@link Schema#CURRENT_VERSION}; refuses a database from a newer build. */
  public static void migrate(Connection c) throws SQLException {
    int version = Schema.userVersion(c);
    if (version > Schema.CURRENT_VERSION) {
      throw new SQLException("database schema version " + version + " is newer than this build"
          + " understands (" + Schema.CURRENT_VERSION + "); upgrade the storage module");
    }
    try (Statement st = c.createStatement()) {
      if (version == 0) {
        // Must precede the first table: lets compaction return free pages incrementally. WAL
        // mode has already written the header, so the empty file is rebuilt (instant) to apply it.
        st.execute("PRAGMA auto_vacuum = INCREMENTAL");
        st.execute("VACUUM");
      }
      while (version < Schema.CURRENT_VERSION) {
        int next = version + 1;
        Transactions.immediate(c, step -> {
          for (String sql : stepTo(c, next)) {
            step.execute(sql);
          }
          if (next == 3 || next == 4) {
            Schema.recreateBlockView(c); // the view lists the new column
          }
          step.execute("PRAGMA user_version = " + next);
        });
        version = next;
      }
    }
  }

  private static List<String> stepTo(Connection c, int version) throws SQLException {
    return switch (version) {
      case 1 -> V1;
      case 2 -> V2;
      case 3 -> {
        List<String> sql = new java.util.ArrayList<>(V3);
        for (String table : Schema.blockTables(c)) {
          sql.add("ALTER TABLE " + table + " ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0");
          sql.add(Schema.longBlockIndex(table));
          sql.add(Schema.freshBlockIndex(table));
        }
        yield sql;
      }
      case 4 -> v4(c);
      default -> throw new IllegalStateException("no migration to schema version " + version);
    };
  }

  private SchemaMigration() {
  }
}
