package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The database schema, versioned in {@code PRAGMA user_version} and upgraded one step per
 * version at start, inside a transaction, by the writer (the only connection that writes).
 *
 * <p>Changelog:
 * <ul>
 *   <li>1 — sessions, session_seq_ranges, windows, event_aggregates_minute, screenshot_metadata;
 *       event blocks live in one table per UTC day ({@code event_blocks_YYYYMMDD}), created on
 *       demand, so retention is a {@code DROP TABLE}.</li>
 *   <li>2 — event_aggregates_hourly and event_aggregates_daily, rolled up from the minute rows.</li>
 *   <li>3 — a partial index of the <em>long</em> blocks of each day table (span over
 *       {@link #SHORT_BLOCK_SPAN_MICROS}), so that readers find every block overlapping a range
 *       whatever its span; a {@code sealed} flag on blocks (1: written by merging) with a partial
 *       index of the fresh ones, which merging reads; {@code settings}, the module's own
 *       key/value marks; {@code screenshot_metadata.masked_regions} and {@code masked_kinds}
 *       (what PII masking found).</li>
 *   <li>4 — a change counter ({@code change_counter}) and a {@code change_seq} column stamped from
 *       it by triggers whenever a row is written: on minute aggregates and screenshot metadata
 *       (inserted or updated), and on blocks (when a payload is rewritten in place: sealing,
 *       re-encryption). Replication follows these from a watermark, exactly (see
 *       {@link #CHANGE_COUNTER}). Existing minute and screenshot rows are numbered.</li>
 * </ul>
 */
public final class Schema {

  public static final int CURRENT_VERSION = 4;

  /**
   * Blocks spanning at most this long are found through the start-time index (a range's short
   * blocks start at most this long before it); longer ones — a backlog committed at once, a merged
   * block — through the partial index {@code <table>_long}, which holds only them.
   */
  public static final long SHORT_BLOCK_SPAN_MICROS = 120_000_000L;
  public static final String BLOCK_TABLE_PREFIX = "event_blocks_";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

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

  /**
   * One row counting every change replication must follow. Writes are serialised by SQLite and a
   * writer stamps its rows before it commits, so a reader's snapshot holds every stamp up to the
   * largest it sees: a watermark on {@code change_seq} misses nothing, however late a row commits
   * after the time it describes.
   */
  public static final String CHANGE_COUNTER = "change_counter";

  /** Stamps the row(s) selected by {@code where} with the next change number (trigger body). */
  private static String stamp(String table, String where) {
    return "UPDATE " + CHANGE_COUNTER + " SET seq = seq + 1; UPDATE " + table
        + " SET change_seq = (SELECT seq FROM " + CHANGE_COUNTER + ") WHERE " + where + ";";
  }

  /** Minute rows as their counts change, screenshot rows as any field changes (masking, sealing). */
  private static final String MINUTE_COLUMNS = "keystroke_count, mouse_clicks, window_switches, active_time_ms,"
      + " screenshot_count, active_seconds_mask";
  private static final String SCREENSHOT_COLUMNS = "timestamp_us, session_id, sequence, window_title, app_name,"
      + " region_x, region_y, region_width, region_height, width, height, format, size_bytes, storage,"
      + " text_density, ui_element_count, dominant_colors, privacy_masked, analysis_error, masked_regions,"
      + " masked_kinds";

  private static final List<String> V4_TRIGGERS = List.of(
      "CREATE TRIGGER minute_inserted AFTER INSERT ON event_aggregates_minute BEGIN "
          + stamp("event_aggregates_minute", "minute_start_us = NEW.minute_start_us") + " END",
      "CREATE TRIGGER minute_updated AFTER UPDATE OF " + MINUTE_COLUMNS + " ON event_aggregates_minute BEGIN "
          + stamp("event_aggregates_minute", "minute_start_us = NEW.minute_start_us") + " END",
      "CREATE TRIGGER screenshot_inserted AFTER INSERT ON screenshot_metadata BEGIN "
          + stamp("screenshot_metadata", "screenshot_id = NEW.screenshot_id") + " END",
      "CREATE TRIGGER screenshot_updated AFTER UPDATE OF " + SCREENSHOT_COLUMNS + " ON screenshot_metadata BEGIN "
          + stamp("screenshot_metadata", "screenshot_id = NEW.screenshot_id") + " END");

  /** Statements of step 4 (block tables existing at the time get their column, index and trigger). */
  private static List<String> v4(Connection c) throws SQLException {
    List<String> sql = new java.util.ArrayList<>();
    sql.add("CREATE TABLE " + CHANGE_COUNTER + " (only_row INTEGER PRIMARY KEY CHECK (only_row = 1),"
        + " seq INTEGER NOT NULL)");
    sql.add("INSERT INTO " + CHANGE_COUNTER + " VALUES (1, 0)");
    for (String[] t : new String[][] {{"event_aggregates_minute", "minute_start_us"},
        {"screenshot_metadata", "screenshot_id"}}) {
      sql.add("ALTER TABLE " + t[0] + " ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0");
      // Existing rows are numbered after the counter, so a replica that has not seen them yet gets them.
      sql.add("UPDATE " + t[0] + " SET change_seq = (SELECT seq FROM " + CHANGE_COUNTER + ") + n.rn FROM"
          + " (SELECT " + t[1] + " AS k, row_number() OVER (ORDER BY " + t[1] + ") AS rn FROM " + t[0] + ") n"
          + " WHERE n.k = " + t[0] + "." + t[1]);
      sql.add("UPDATE " + CHANGE_COUNTER + " SET seq = seq + (SELECT count(*) FROM " + t[0] + ")");
      sql.add("CREATE INDEX idx_" + t[0] + "_change ON " + t[0] + "(change_seq)");
    }
    sql.addAll(V4_TRIGGERS);
    for (String table : blockTables(c)) {
      sql.add("ALTER TABLE " + table + " ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0");
      sql.add(rewrittenBlockIndex(table));
      sql.add(rewrittenBlockTrigger(table));
    }
    return sql;
  }

  private static String rollupTable(String name, String key) {
    return "CREATE TABLE " + name + " (" + key + " INTEGER PRIMARY KEY, keystroke_count INTEGER NOT NULL,"
        + " mouse_clicks INTEGER NOT NULL, window_switches INTEGER NOT NULL,"
        + " active_time_ms INTEGER NOT NULL, screenshot_count INTEGER NOT NULL) WITHOUT ROWID";
  }

  private Schema() {
  }

  /** Brings the database to {@link #CURRENT_VERSION}; refuses a database from a newer build. */
  public static void migrate(Connection c) throws SQLException {
    int version = userVersion(c);
    if (version > CURRENT_VERSION) {
      throw new SQLException("database schema version " + version + " is newer than this build"
          + " understands (" + CURRENT_VERSION + "); upgrade the storage module");
    }
    try (Statement st = c.createStatement()) {
      if (version == 0) {
        // Must precede the first table: lets compaction return free pages incrementally. WAL
        // mode has already written the header, so the empty file is rebuilt (instant) to apply it.
        st.execute("PRAGMA auto_vacuum = INCREMENTAL");
        st.execute("VACUUM");
      }
      while (version < CURRENT_VERSION) {
        int next = version + 1;
        Transactions.immediate(c, step -> {
          for (String sql : stepTo(c, next)) {
            step.execute(sql);
          }
          if (next == 3 || next == 4) {
            recreateBlockView(c); // the view lists the new column
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
        for (String table : blockTables(c)) {
          sql.add("ALTER TABLE " + table + " ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0");
          sql.add(longBlockIndex(table));
          sql.add(freshBlockIndex(table));
        }
        yield sql;
      }
      case 4 -> v4(c);
      default -> throw new IllegalStateException("no migration to schema version " + version);
    };
  }

  public static int userVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** The block table holding events of the UTC day of {@code timestampMicros}. */
  public static String blockTableFor(long timestampMicros) {
    LocalDate day = Instant.ofEpochSecond(Math.floorDiv(timestampMicros, 1_000_000L))
        .atZone(ZoneOffset.UTC).toLocalDate();
    return BLOCK_TABLE_PREFIX + DAY.format(day);
  }

  /** The first microsecond of the day a block table covers. */
  public static long dayStartMicros(String blockTable) {
    LocalDate day = LocalDate.parse(blockTable.substring(BLOCK_TABLE_PREFIX.length()), DAY);
    return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
  }

  public static List<String> createBlockTable(String table) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + table + " ("
            + " session_key INTEGER NOT NULL,"
            + " start_us INTEGER NOT NULL,"
            + " end_us INTEGER NOT NULL,"
            + " first_seq INTEGER NOT NULL,"
            + " last_seq INTEGER NOT NULL,"
            + " event_count INTEGER NOT NULL,"
            + " type_mask INTEGER NOT NULL,"
            + " payload BLOB NOT NULL,"
            + " sealed INTEGER NOT NULL DEFAULT 0,"
            + " change_seq INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS " + table + "_time ON " + table + "(start_us)",
        "CREATE INDEX IF NOT EXISTS " + table + "_session ON " + table + "(session_key, first_seq)",
        longBlockIndex(table),
        freshBlockIndex(table),
        rewrittenBlockIndex(table),
        rewrittenBlockTrigger(table));
  }

  /**
   * The term that selects blocks whose payload was rewritten in place (0: never); readers repeat
   * it verbatim so the partial index applies.
   */
  public static final String REWRITTEN_BLOCK_TERM = "change_seq > 0";

  private static String rewrittenBlockIndex(String table) {
    return "CREATE INDEX IF NOT EXISTS " + table + "_rewritten ON " + table + "(change_seq) WHERE "
        + REWRITTEN_BLOCK_TERM;
  }

  /** A payload rewritten in place (sealed, re-encrypted) is stamped, so replication ships it again. */
  private static String rewrittenBlockTrigger(String table) {
    return "CREATE TRIGGER IF NOT EXISTS " + table + "_rewritten AFTER UPDATE OF payload ON " + table
        + " BEGIN " + stamp(table, "rowid = NEW.rowid") + " END";
  }

  /** Fresh (not yet merged) blocks, by start: what merging looks for. */
  private static String freshBlockIndex(String table) {
    return "CREATE INDEX IF NOT EXISTS " + table + "_fresh ON " + table + "(start_us) WHERE sealed = 0";
  }

  /** The term that selects long blocks; readers repeat it verbatim so the partial index applies. */
  public static final String LONG_BLOCK_TERM = "end_us - start_us > " + SHORT_BLOCK_SPAN_MICROS;

  private static String longBlockIndex(String table) {
    return "CREATE INDEX IF NOT EXISTS " + table + "_long ON " + table + "(end_us) WHERE "
        + LONG_BLOCK_TERM;
  }

  /** Name of the view over every day table: {@code SELECT sum(event_count) FROM event_blocks}. */
  public static final String BLOCK_VIEW = "event_blocks";

  /**
   * Recreates the {@code event_blocks} view as the union of the day tables, so tools such as the
   * sqlite3 shell can query all blocks at once. Call after creating or dropping a day table.
   */
  public static void recreateBlockView(Connection c) throws SQLException {
    List<String> tables = blockTables(c);
    try (Statement st = c.createStatement()) {
      st.execute("DROP VIEW IF EXISTS " + BLOCK_VIEW);
      if (tables.isEmpty()) {
        return;
      }
      StringBuilder sql = new StringBuilder("CREATE VIEW " + BLOCK_VIEW + " AS ");
      for (int i = 0; i < tables.size(); i++) {
        if (i > 0) {
          sql.append(" UNION ALL ");
        }
        sql.append("SELECT '").append(tables.get(i)).append("' AS day_table, rowid AS block_rowid, *")
            .append(" FROM ").append(tables.get(i));
      }
      st.execute(sql.toString());
    }
  }

  /** The names of the block tables, as a GLOB pattern; the query pool lists them too. */
  static final String BLOCK_TABLE_GLOB = BLOCK_TABLE_PREFIX + "[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]";

  /** All block tables present, oldest first. */
  public static List<String> blockTables(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '" + BLOCK_TABLE_GLOB + "' ORDER BY name")) {
      List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
