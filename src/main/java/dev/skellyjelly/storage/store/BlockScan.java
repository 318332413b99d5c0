package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import io.vertx.sqlclient.Tuple;

/**
 * The statement that reads the blocks of a day table that may hold events of a range, in rowid
 * order from where a page starts: read row by row and stopped once the page is full, so a page
 * never holds more than itself and the block being decoded.
 */
final class BlockScan {

  private BlockScan() {
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
        + (range.session() != null ? " AND s.session_id = ?" : "") + " ORDER BY b.rowid";
  }

  /** {@link #sql}'s arguments. */
  static Tuple args(EventReader.Range range, long fromRowid) {
    Tuple args = overlapArgs(range).addValue(range.mask()).addValue(fromRowid);
    if (range.session() != null) {
      args.addValue(Uuids.toBytes(range.session()));
    }
    return args;
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
