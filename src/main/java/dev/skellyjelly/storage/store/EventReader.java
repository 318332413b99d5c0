package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.bus.ErrorCode;

import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.SequenceRanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads events back out of the blocks, a page at a time: never more than one page plus one
 * block in memory, however long the range. Blocks whose type mask has none of the wanted kinds
 * are skipped without decoding. The cursor says where the next page starts.
 */
public final class EventReader {

  /**
   * Where a page stopped: the block (table, rowid), how many of its events were returned, and
   * the table's merge generation then — a merge renumbers blocks, so an older cursor is refused.
   */
  public record Cursor(String table, long rowid, int offset, long generation) {
    public String encode() {
      return table + ":" + rowid + ":" + offset + ":" + generation;
    }

    public static Cursor parse(String text) {
      String[] p = text.split(":");
      try {
        if (p.length == 4 && p[0].startsWith(Schema.BLOCK_TABLE_PREFIX)) {
          return new Cursor(p[0], Long.parseLong(p[1]), Integer.parseInt(p[2]), Long.parseLong(p[3]));
        }
      } catch (NumberFormatException e) {
        // falls through to the refusal below
      }
      throw new IllegalArgumentException("cursor '" + text + "' is not one this module returned");
    }
  }

  /** The blocks of a day table were merged after the cursor was issued. */
  public static final class StaleCursorException extends RuntimeException {
    public StaleCursorException(String message) {
      super(message);
    }

    StaleCursorException(Cursor cursor) {
      super("the blocks under cursor '" + cursor.encode() + "' were merged after it was issued;"
          + " run the query again from its beginning (without a cursor)");
    }
  }

  /** A block that was skipped because it cannot be read ({@code DECODE} or {@code DECRYPT}); never a silent gap. */
  public record UnreadableBlock(String table, long rowid, String code, String reason) {
  }

  /**
   * One page of events, the cursor of the next ({@code null} at the end), and the blocks of the
   * range that were skipped because they do not decode or disagree with their stored span.
   */
  public record Page(List<RawEvent> events, Cursor next, List<UnreadableBlock> unreadable) {
  }

  /** What to read. {@code session} and {@code kinds} narrow it; an empty kinds set means all. */
  public record Range(long fromMicros, long toMicros, UUID session, Set<EventKind> kinds) {
    public Range {
      if (toMicros <= fromMicros) {
        throw new IllegalArgumentException("'to' (" + toMicros + ") must be after 'from' (" + fromMicros + ")");
      }
      kinds = kinds == null || kinds.isEmpty() ? EnumSet.allOf(EventKind.class) : EnumSet.copyOf(kinds);
    }

    public int mask() {
      int m = 0;
      for (EventKind k : kinds) {
        m |= k.maskBit();
      }
      return m;
    }

    public boolean matches(RawEvent e) {
      return e.timestampMicros() >= fromMicros && e.timestampMicros() < toMicros && kinds.contains(e.kind())
          && (session == null || session.equals(e.sessionId()));
    }
  }

  private final Connection connection;
  private final BlockCodec codec;

  /** A reader of a plaintext database. */
  public EventReader(Connection connection) {
    this(connection, null);
  }

  /** A reader that opens encrypted blocks with {@code crypto} (null: none are expected). */
  public EventReader(Connection connection, BlockCrypto crypto) {
    this.connection = connection;
    this.codec = new BlockCodec(crypto);
  }

  /**
   * Reads up to {@code limit} events of {@code range} from {@code cursor} (null: the start), in
   * one read snapshot (the caller's transaction, if it holds one), so a merge committing meanwhile
   * is seen wholly or not at all.
   */
  public Page page(Range range, Cursor cursor, int limit, Consumer<Statement> onStatement)
      throws SQLException {
    boolean ownSnapshot = connection.getAutoCommit();
    if (ownSnapshot) {
      connection.setAutoCommit(false);
    }
    try {
      return readPage(range, cursor, limit, onStatement);
    } finally {
      if (ownSnapshot) {
        connection.setAutoCommit(true); // ends the read transaction
      }
    }
  }

  private Page readPage(Range range, Cursor cursor, int limit, Consumer<Statement> onStatement)
      throws SQLException {
    List<RawEvent> out = new ArrayList<>(Math.min(limit, 4096));
    List<UnreadableBlock> unreadable = new ArrayList<>();
    if (cursor != null && BlockMerger.generation(connection, cursor.table()) != cursor.generation()) {
      throw new StaleCursorException(cursor);
    }
    for (String table : Schema.blockTables(connection)) {
      // A day table holds only events of its UTC day (writers split blocks at midnight).
      long dayStart = Schema.dayStartMicros(table);
      if (dayStart >= range.toMicros() || dayStart + Maintenance.DAY_MICROS <= range.fromMicros()
          || (cursor != null && table.compareTo(cursor.table()) < 0)) {
        continue;
      }
      long afterRowid = cursor != null && table.equals(cursor.table()) ? cursor.rowid() : Long.MIN_VALUE;
      String sql = "SELECT b.rowid, s.session_id, b.payload, b.start_us, b.end_us, b.event_count,"
          + " b.first_seq, b.last_seq FROM " + table + " b JOIN sessions s"
          + " ON s.session_key = b.session_key WHERE b.rowid IN (" + overlapping(table) + ")"
          + " AND (b.type_mask & ?) != 0 AND b.rowid >= ?"
          + (range.session() != null ? " AND s.session_id = ?" : "") + " ORDER BY b.rowid";
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        onStatement.accept(ps);
        int p = bindOverlap(ps, range);
        ps.setInt(p++, range.mask());
        ps.setLong(p++, afterRowid);
        if (range.session() != null) {
          ps.setBytes(p, Uuids.toBytes(range.session()));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long rowid = rs.getLong(1);
            List<RawEvent> block;
            try {
              block = decodeChecked(rs);
            } catch (EventDecodeException | BlockDecryptException e) {
              unreadable.add(new UnreadableBlock(table, rowid, ErrorCode.of(e, ErrorCode.DECODE).name(), e.getMessage()));
              continue;
            }
            int skip = cursor != null && table.equals(cursor.table()) && rowid == cursor.rowid()
                ? cursor.offset() : 0;
            for (int i = skip; i < block.size(); i++) {
              RawEvent e = block.get(i);
              if (!range.matches(e)) {
                continue;
              }
              if (out.size() == limit) {
                return new Page(out, new Cursor(table, rowid, i, BlockMerger.generation(connection, table)),
                    unreadable);
              }
              out.add(e);
            }
          }
        }
      }
    }
    return new Page(out, null, unreadable);
  }

  /** Decodes the current row's block and checks it against its stored span and count. */
  private List<RawEvent> decodeChecked(ResultSet rs) throws SQLException {
    List<RawEvent> block = codec.decode(rs.getBytes(3), Uuids.fromBytes(rs.getBytes(2)), rs.getLong(7),
        rs.getLong(8));
    long start = rs.getLong(4);
    long end = rs.getLong(5);
    if (block.size() != rs.getInt(6)) {
      throw new EventDecodeException("holds " + block.size() + " events, its row says " + rs.getInt(6));
    }
    for (RawEvent e : block) {
      if (e.timestampMicros() < start || e.timestampMicros() > end) {
        throw new EventDecodeException("event " + e.sequence() + " at " + e.timestampMicros()
            + " lies outside the block's stored span [" + start + ", " + end + "]");
      }
    }
    return block;
  }

  /**
   * The rowids of every block of {@code table} whose [start_us, end_us] overlaps the range, in
   * two disjoint halves that each use an index: a short block overlapping the range starts at
   * most {@link Schema#SHORT_BLOCK_SPAN_MICROS} before it; long blocks have their own partial
   * index. Parameters: from − span, to, from, from, to (see {@link #bindOverlap}).
   */
  static String overlapping(String table) {
    return "SELECT rowid FROM " + table + " WHERE start_us >= ? AND start_us < ? AND end_us >= ?"
        + " AND NOT (" + Schema.LONG_BLOCK_TERM + ")"
        + " UNION ALL SELECT rowid FROM " + table + " WHERE " + Schema.LONG_BLOCK_TERM
        + " AND end_us >= ? AND start_us < ?";
  }

  /** Binds {@link #overlapping}'s parameters from index 1; returns the next free index. */
  static int bindOverlap(PreparedStatement ps, Range range) throws SQLException {
    ps.setLong(1, range.fromMicros() - Schema.SHORT_BLOCK_SPAN_MICROS);
    ps.setLong(2, range.toMicros());
    ps.setLong(3, range.fromMicros());
    ps.setLong(4, range.fromMicros());
    ps.setLong(5, range.toMicros());
    return 6;
  }

  /** The events of a window, by its members (per-session sequence ranges), in sequence order. */
  public List<RawEvent> window(long startMicros, long endMicros, Map<UUID, SequenceRanges> members)
      throws SQLException {
    List<RawEvent> out = new ArrayList<>();
    for (Map.Entry<UUID, SequenceRanges> m : members.entrySet()) {
      List<long[]> intervals = m.getValue().intervals();
      if (intervals.isEmpty()) {
        continue;
      }
      long lo = intervals.get(0)[0];
      long hi = intervals.get(intervals.size() - 1)[1];
      for (String table : Schema.blockTables(connection)) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT b.payload, b.first_seq, b.last_seq FROM " + table
            + " b JOIN sessions s ON s.session_key = b.session_key WHERE s.session_id = ?"
            + " AND b.first_seq <= ? AND b.last_seq >= ? ORDER BY b.first_seq")) {
          ps.setBytes(1, Uuids.toBytes(m.getKey()));
          ps.setLong(2, hi);
          ps.setLong(3, lo);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              for (RawEvent e : codec.decode(rs.getBytes(1), m.getKey(), rs.getLong(2), rs.getLong(3))) {
                if (m.getValue().contains(e.sequence())) {
                  out.add(e);
                }
              }
            }
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(RawEvent::sessionId).thenComparingLong(RawEvent::sequence));
    return out;
  }
}
