package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.event.SequenceRanges;
import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads what has committed locally and not yet shipped, on its own read-only SQLite connection (so
 * ingest never waits for it), in one read snapshot: blocks of each day table in rowid order past
 * that table's watermark, blocks rewritten in place (sealed or re-encrypted) since the last, windows
 * past theirs, and the minute aggregates and screenshot rows stamped since the last change number
 * shipped with the sequence ranges of the sessions stored to ({@link ChangedRows}).
 */
public final class LocalChanges {

  /** A block row as stored, payload opaque. */
  public record Block(String dayTable, long rowid, UUID session, long startMicros, long endMicros,
      long firstSeq, long lastSeq, int eventCount, int typeMask, boolean sealed, byte[] payload) {
  }

  /** A minute aggregate row as it stands locally: shipped as a replacement, never an addition. */
  public record Minute(long startMicros, long keystrokes, long mouseClicks, long windowSwitches,
      long activeTimeMs, long screenshots, long activeSecondsMask) {
  }

  /** A window row. */
  public record WindowRow(UUID id, long startMicros, long endMicros, int eventCount, byte[] members,
      byte[] screenshotRefs) {
  }

  /**
   * A screenshot metadata row as stored: {@code windowTitle} and {@code appName} are a String, or
   * the sealed bytes (byte[]) when the device's encryption is on — shipped as they are, never decoded.
   */
  public record ScreenshotRow(UUID id, long timestampMicros, UUID session, long sequence, Object windowTitle,
      Object appName, int regionX, int regionY, int regionWidth, int regionHeight, int width, int height,
      String format, long sizeBytes, String storage, Double textDensity, Integer uiElementCount,
      String dominantColors, boolean privacyMasked, String analysisError, Integer maskedRegions,
      String maskedKinds) {
  }

  /** Every stored sequence range of a session, as it stands locally: shipped as a replacement. */
  public record SessionRanges(UUID session, SequenceRanges ranges) {
  }

  /**
   * One batch: the rows, the watermarks to store once it is in PostgreSQL, how many events were
   * pending at the snapshot (this batch's included), and whether some kind of row was cut at its
   * limit (more to read at once).
   */
  public record Batch(List<Block> blocks, List<Block> rewritten, List<Minute> minutes, List<WindowRow> windows,
      List<ScreenshotRow> screenshots, List<SessionRanges> sessionRanges, Watermarks marks,
      long pendingEvents, long pendingBlocks, boolean cut) {
    public boolean isEmpty() {
      return blocks.isEmpty() && rewritten.isEmpty() && minutes.isEmpty() && windows.isEmpty()
          && screenshots.isEmpty() && sessionRanges.isEmpty();
    }

    public long events() {
      return blocks.stream().mapToLong(Block::eventCount).sum();
    }
  }

  static final int MAX_BLOCKS = 20_000;
  static final int MAX_WINDOWS = 2_000;

  private final Connection connection;
  private final ChangedRows changed;

  public LocalChanges(Connection readOnly) {
    this.connection = readOnly;
    this.changed = new ChangedRows(readOnly);
  }

  /** The next batch after {@code marks}: at most about {@code maxEvents} events of blocks (and as many rewritten). */
  public Batch next(Watermarks marks, long maxEvents) throws SQLException {
    connection.setAutoCommit(false); // one snapshot for everything below
    try {
      Watermarks after = marks.copy();
      List<Block> blocks = new ArrayList<>();
      long events = 0;
      long pendingEvents = 0;
      long pendingBlocks = 0;
      List<String> tables = Schema.blockTables(connection);
      for (String table : tables) {
        long mark = marks.block(table);
        long[] pending = pending(connection, table, mark);
        pendingBlocks += pending[0];
        pendingEvents += pending[1];
        if (events >= maxEvents || blocks.size() >= MAX_BLOCKS) {
          continue;
        }
        try (PreparedStatement ps = connection.prepareStatement(BLOCK_COLUMNS + table
            + " b JOIN sessions s ON s.session_key = b.session_key WHERE b.rowid > ? ORDER BY b.rowid")) {
          ps.setLong(1, mark);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next() && events < maxEvents && blocks.size() < MAX_BLOCKS) {
              Block b = block(table, rs);
              blocks.add(b);
              events += b.eventCount();
              after.setBlock(table, b.rowid());
            }
          }
        }
      }
      List<Block> rewritten = rewritten(tables, marks, after, maxEvents);
      List<WindowRow> windows = windows(marks, after);
      // A sealed block may stand for fresh blocks merged before they shipped: its session counts too.
      Set<UUID> storedTo = new LinkedHashSet<>();
      blocks.forEach(b -> storedTo.add(b.session()));
      ChangedRows.Read rows = changed.read(marks, after, storedTo);
      boolean cut = windows.size() >= MAX_WINDOWS || rows.cut()
          || rewritten.size() >= MAX_BLOCKS || rewritten.stream().mapToLong(Block::eventCount).sum() >= maxEvents;
      return new Batch(blocks, rewritten, rows.minutes(), windows, rows.screenshots(), rows.sessionRanges(), after,
          pendingEvents, pendingBlocks, cut);
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  private static final String BLOCK_COLUMNS = "SELECT b.rowid, s.session_id, b.start_us, b.end_us, b.first_seq,"
      + " b.last_seq, b.event_count, b.type_mask, b.sealed, b.payload FROM ";

  private static Block block(String table, ResultSet rs) throws SQLException {
    return new Block(table, rs.getLong(1), Uuids.fromBytes(rs.getBytes(2)), rs.getLong(3), rs.getLong(4),
        rs.getLong(5), rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getInt(9) == 1, rs.getBytes(10));
  }

  /** A block rewritten in place: where it is and its change number. */
  private record Rewrite(String table, long rowid, long changeSeq, int events) {
  }

  /**
   * Blocks already shipped (rowid at or below their table's mark) whose payload was rewritten in
   * place since {@link Watermarks#rewritten()}, in change order across tables, up to about
   * {@code maxEvents} events. Those past the mark travel with the fresh blocks, as they are now.
   */
  private List<Block> rewritten(List<String> tables, Watermarks marks, Watermarks after, long maxEvents)
      throws SQLException {
    List<Rewrite> candidates = new ArrayList<>();
    for (String table : tables) {
      // Each table's own prefix up to the budget: the global prefix taken below lies within their union.
      try (PreparedStatement ps = connection.prepareStatement("SELECT rowid, change_seq, event_count FROM " + table
          + " WHERE " + Schema.REWRITTEN_BLOCK_TERM + " AND change_seq > ? ORDER BY change_seq")) {
        ps.setLong(1, marks.rewritten());
        try (ResultSet rs = ps.executeQuery()) {
          long events = 0;
          int n = 0;
          while (events < maxEvents && n < MAX_BLOCKS && rs.next()) {
            candidates.add(new Rewrite(table, rs.getLong(1), rs.getLong(2), rs.getInt(3)));
            events += rs.getInt(3);
            n++;
          }
        }
      }
    }
    candidates.sort(Comparator.comparingLong(Rewrite::changeSeq));
    List<Block> out = new ArrayList<>();
    long events = 0;
    for (Rewrite r : candidates) {
      if (events >= maxEvents || out.size() >= MAX_BLOCKS) {
        break;
      }
      after.setRewritten(r.changeSeq());
      if (r.rowid() > marks.block(r.table())) {
        continue; // not shipped yet: it goes as a fresh block, with its payload as it is then
      }
      try (PreparedStatement ps = connection.prepareStatement(BLOCK_COLUMNS + r.table()
          + " b JOIN sessions s ON s.session_key = b.session_key WHERE b.rowid = ?")) {
        ps.setLong(1, r.rowid());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            Block b = block(r.table(), rs);
            out.add(b);
            events += b.eventCount();
          }
        }
      }
    }
    return out;
  }

  /** {blocks, events} of {@code table} past {@code mark}: not yet shipped. */
  public static long[] pending(Connection c, String table, long mark) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT count(*), coalesce(sum(event_count), 0) FROM " + table + " WHERE rowid > ?")) {
      ps.setLong(1, mark);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /**
   * Windows past the watermark in (start, id) order. The batcher records windows in the order they
   * close, one after another, so a window never commits behind one that started later.
   */
  private List<WindowRow> windows(Watermarks marks, Watermarks after) throws SQLException {
    List<WindowRow> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT window_id, start_us, end_us, event_count,"
        + " members, screenshot_refs FROM windows WHERE start_us > ? OR (start_us = ? AND window_id > ?)"
        + " ORDER BY start_us, window_id LIMIT " + MAX_WINDOWS)) {
      ps.setLong(1, marks.windowStart());
      ps.setLong(2, marks.windowStart());
      ps.setBytes(3, Uuids.toBytes(marks.windowId()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          WindowRow w = new WindowRow(Uuids.fromBytes(rs.getBytes(1)), rs.getLong(2), rs.getLong(3),
              rs.getInt(4), rs.getBytes(5), rs.getBytes(6));
          out.add(w);
          after.setWindow(w.startMicros(), w.id());
        }
      }
    }
    return out;
  }
}
