package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The shape of the database at {@link #CURRENT_VERSION} that the code relies on: the event block
 * tables, one per UTC day ({@code event_blocks_YYYYMMDD}, created on demand so retention is a
 * {@code DROP TABLE}), their indexes and the view over them, and the change counter. How a
 * database reaches this version is {@link SchemaMigration}.
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

  /**
   * One row counting every change replication must follow. Writes are serialised by SQLite and a
   * writer stamps its rows before it commits, so a reader's snapshot holds every stamp up to the
   * largest it sees: a watermark on {@code change_seq} misses nothing, however late a row commits
   * after the time it describes.
   */
  public static final String CHANGE_COUNTER = "change_counter";

  /** Stamps the row(s) selected by {@code where} with the next change number (trigger body). */
  static String stamp(String table, String where) {
    return "UPDATE " + CHANGE_COUNTER + " SET seq = seq + 1; UPDATE " + table
        + " SET change_seq = (SELECT seq FROM " + CHANGE_COUNTER + ") WHERE " + where + ";";
  }

  private Schema() {
  }

  public static int userVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** The block table holding events of the UTC day of {@code timestampMicros}. */
  public static String blockTableFor(long timestampMicros) {
    return blockTableForDay(epochDay(timestampMicros));
  }

  /** The UTC day (days since 1970-01-01) of {@code timestampMicros}. */
  public static long epochDay(long timestampMicros) {
    return Math.floorDiv(timestampMicros, Maintenance.DAY_MICROS);
  }

  /** The block table of a UTC day given as days since 1970-01-01. */
  public static String blockTableForDay(long epochDay) {
    return BLOCK_TABLE_PREFIX + DAY.format(LocalDate.ofEpochDay(epochDay));
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

  static String rewrittenBlockIndex(String table) {
    return "CREATE INDEX IF NOT EXISTS " + table + "_rewritten ON " + table + "(change_seq) WHERE "
        + REWRITTEN_BLOCK_TERM;
  }

  /** A payload rewritten in place (sealed, re-encrypted) is stamped, so replication ships it again. */
  static String rewrittenBlockTrigger(String table) {
    return "CREATE TRIGGER IF NOT EXISTS " + table + "_rewritten AFTER UPDATE OF payload ON " + table
        + " BEGIN " + stamp(table, "rowid = NEW.rowid") + " END";
  }

  /** Fresh (not yet merged) blocks, by start: what merging looks for. */
  static String freshBlockIndex(String table) {
    return "CREATE INDEX IF NOT EXISTS " + table + "_fresh ON " + table + "(start_us) WHERE sealed = 0";
  }

  /** The term that selects long blocks; readers repeat it verbatim so the partial index applies. */
  public static final String LONG_BLOCK_TERM = "end_us - start_us > " + SHORT_BLOCK_SPAN_MICROS;

  static String longBlockIndex(String table) {
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
