package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import io.vertx.sqlclient.Tuple;

/**
 * One bounded fetch of the blocks of a day table that may hold events of a range: the
 * statement, its arguments, and how many blocks to ask for. A page is filled by fetches sized
 * from the blocks before each — at most {@value #MAX_FETCH} blocks and about
 * {@value #MAX_FETCH_BYTES} bytes — so it never holds a whole day in memory.
 */
final class BlockFetch {

  /**
   * Blocks in the smallest fetch. The first fetch of a table asks for one block per
   * {@value #EVENTS_PER_FIRST_BLOCK} events of the page, at most {@value #FIRST_FETCH_MAX}: a page of
   * live blocks (a few dozen events each) fills in one round trip, sealed hour blocks (tens of
   * kilobytes each) stay within a few megabytes.
   */
  static final int FIRST_FETCH = 16;
  static final int EVENTS_PER_FIRST_BLOCK = 16;
  static final int FIRST_FETCH_MAX = 64;
  /** The most blocks in one fetch (a second's live block holds a few dozen events). */
  static final int MAX_FETCH = 4096;
  /** The most payload bytes one fetch should hold, judged by the blocks of the fetch before. */
  static final long MAX_FETCH_BYTES = 8L << 20;

  private BlockFetch() {
  }

  /**
   * The blocks of {@code table} from rowid {@code fromRowid} on whose span overlaps the range and
   * whose type mask has one of its kinds (others are never decoded), in rowid order. Columns:
   * rowid, session id, payload, start, end, event count, first and last sequence.
   */
  static String sql(String table, EventReader.Range range) {
    return "SELECT b.rowid, s.session_id, b.payload, b.start_us, b.end_us, b.event_count,"
        + " b.first_seq, b.last_seq FROM " + table + " b JOIN sessions s"
        + " ON s.session_key = b.session_key WHERE b.rowid IN (" + overlapping(table) + ")"
        + " AND (b.type_mask & ?) != 0 AND b.rowid >= ?"
        + (range.session() != null ? " AND s.session_id = ?" : "") + " ORDER BY b.rowid LIMIT ?";
  }

  /** {@link #sql}'s arguments: at most {@code blocks} blocks. */
  static Tuple args(EventReader.Range range, long fromRowid, int blocks) {
    Tuple args = overlapArgs(range).addValue(range.mask()).addValue(fromRowid);
    if (range.session() != null) {
      args.addValue(Uuids.toBytes(range.session()));
    }
    return args.addValue(blocks);
  }

  /** The first fetch of a table, for a page that still needs {@code stillNeeded} events. */
  static int first(int stillNeeded) {
    return Math.max(FIRST_FETCH, Math.min(FIRST_FETCH_MAX, stillNeeded / EVENTS_PER_FIRST_BLOCK));
  }

  /**
   * How many blocks the next fetch asks for: enough for the events the page still needs at the
   * rate the last fetch's blocks gave them (with a quarter to spare), within the block and byte caps.
   */
  static int next(int blocks, int eventsAdded, long bytes, int stillNeeded) {
    double eventsPerBlock = Math.max(eventsAdded, 1) / (double) blocks;
    long wanted = (long) Math.ceil(stillNeeded / eventsPerBlock * 1.25) + 1;
    long byBytes = MAX_FETCH_BYTES / Math.max(1, bytes / blocks);
    return (int) Math.max(FIRST_FETCH, Math.min(Math.min(wanted, byBytes), MAX_FETCH));
  }

  /**
   * The rowids of every block of {@code table} whose [start_us, end_us] overlaps the range, in
   * two disjoint halves that each use an index: a short block overlapping the range starts at
   * most {@link Schema#SHORT_BLOCK_SPAN_MICROS} before it; long blocks have their own partial
   * index. Parameters: from − span, to, from, from, to (see {@link #overlapArgs}).
   */
  static String overlapping(String table) {
    return "SELECT rowid FROM " + table + " WHERE start_us >= ? AND start_us < ? AND end_us >= ?"
        + " AND NOT (" + Schema.LONG_BLOCK_TERM + ")"
        + " UNION ALL SELECT rowid FROM " + table + " WHERE " + Schema.LONG_BLOCK_TERM
        + " AND end_us >= ? AND start_us < ?";
  }

  /** {@link #overlapping}'s parameters, in order. */
  static Tuple overlapArgs(EventReader.Range range) {
    return Tuple.of(range.fromMicros() - Schema.SHORT_BLOCK_SPAN_MICROS, range.toMicros(), range.fromMicros(),
        range.fromMicros(), range.toMicros());
  }
}
