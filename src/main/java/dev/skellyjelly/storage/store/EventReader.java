package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.bus.ErrorCode;

import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Transaction;
import java.nio.file.Path;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads events back out of the blocks of the local store, a page at a time, through the read
 * pool: blocks are fetched in bounded batches — the JDBC pool hands over a result set whole —
 * each sized from the blocks before it to what the page still needs (at most {@value #MAX_FETCH}
 * blocks and about {@value #MAX_FETCH_BYTES} bytes), and decoded only until the page is full. Blocks whose type mask has none of the wanted kinds are skipped without
 * decoding. The cursor says where the next page starts.
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

  /** Takes the pages of a range, in order. */
  public interface PageSink {
    void accept(Page page) throws java.io.IOException;
  }

  /**
   * Reads every page of {@code range} from the database file in one snapshot, on the calling
   * thread (a command-line tool's, never an event loop), through the same read pool as the
   * query verticle; {@code sink} takes each page before the next is read.
   */
  public static void readAll(Path db, BlockCrypto crypto, Range range, int pageSize, PageSink sink)
      throws java.io.IOException {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = SqliteReadPool.open(vertx, db, 1);
      SqlConnection c = pool.getConnection().await();
      try {
        Transaction snapshot = c.begin().await();
        EventReader reader = new EventReader(c, crypto, Deadline.none());
        Cursor cursor = null;
        do {
          Page page = reader.page(range, cursor, pageSize).await();
          sink.accept(page);
          cursor = page.next();
        } while (cursor != null);
        snapshot.rollback().await();
      } finally {
        c.close().await();
      }
    } finally {
      vertx.close().await();
    }
  }

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

  private final SqlConnection connection;
  private final BlockCodec codec;
  private final Deadline deadline;

  /** A reader of a plaintext database. */
  public EventReader(SqlConnection connection, Deadline deadline) {
    this(connection, null, deadline);
  }

  /** A reader that opens encrypted blocks with {@code crypto} (null: none are expected). */
  public EventReader(SqlConnection connection, BlockCrypto crypto, Deadline deadline) {
    this.connection = connection;
    this.codec = new BlockCodec(crypto);
    this.deadline = deadline;
  }

  /**
   * Reads up to {@code limit} events of {@code range} from {@code cursor} (null: the start). Run
   * it inside one transaction (the pool's {@code withTransaction}): the page is then read in one
   * snapshot, so a merge committing meanwhile is seen wholly or not at all.
   */
  public Future<Page> page(Range range, Cursor cursor, int limit) {
    PageBuilder page = new PageBuilder(range, cursor, limit);
    return BlockTables.withGenerations(connection).compose(tables -> {
      if (cursor != null && tables.getOrDefault(cursor.table(), 0L) != cursor.generation()) {
        throw new StaleCursorException(cursor);
      }
      page.generations = tables;
      return readTables(new ArrayList<>(tables.keySet()), 0, page);
    }).map(v -> page.result());
  }

  /** The events collected so far, where to resume, and the blocks that could not be read. */
  private static final class PageBuilder {
    final Range range;
    final Cursor from;
    final int limit;
    final List<RawEvent> events;
    final List<UnreadableBlock> unreadable = new ArrayList<>();
    Map<String, Long> generations;
    Cursor next;
    boolean full;

    PageBuilder(Range range, Cursor from, int limit) {
      this.range = range;
      this.from = from;
      this.limit = limit;
      this.events = new ArrayList<>(Math.min(limit, 4096));
    }

    Page result() {
      return new Page(events, next, unreadable);
    }
  }

  private Future<Void> readTables(List<String> tables, int index, PageBuilder page) {
    if (page.full || index == tables.size()) {
      return Future.succeededFuture();
    }
    String table = tables.get(index);
    // A day table holds only events of its UTC day (writers split blocks at midnight).
    long dayStart = Schema.dayStartMicros(table);
    Range range = page.range;
    if (dayStart >= range.toMicros() || dayStart + Maintenance.DAY_MICROS <= range.fromMicros()
        || (page.from != null && table.compareTo(page.from.table()) < 0)) {
      return readTables(tables, index + 1, page);
    }
    long fromRowid = page.from != null && table.equals(page.from.table()) ? page.from.rowid() : Long.MIN_VALUE;
    int first = Math.max(FIRST_FETCH, Math.min(FIRST_FETCH_MAX, (page.limit - page.events.size()) / EVENTS_PER_FIRST_BLOCK));
    return readBlocks(table, fromRowid, first, page).compose(v -> readTables(tables, index + 1, page));
  }

  /** Fetches up to {@code batch} blocks of {@code table} from rowid {@code fromRowid} on, then the next fetch. */
  private Future<Void> readBlocks(String table, long fromRowid, int batch, PageBuilder page) {
    if (deadline.passed()) {
      return Future.failedFuture(deadline.exceeded());
    }
    Range range = page.range;
    String sql = "SELECT b.rowid, s.session_id, b.payload, b.start_us, b.end_us, b.event_count,"
        + " b.first_seq, b.last_seq FROM " + table + " b JOIN sessions s"
        + " ON s.session_key = b.session_key WHERE b.rowid IN (" + overlapping(table) + ")"
        + " AND (b.type_mask & ?) != 0 AND b.rowid >= ?"
        + (range.session() != null ? " AND s.session_id = ?" : "") + " ORDER BY b.rowid LIMIT ?";
    Tuple args = overlapArgs(range).addValue(range.mask()).addValue(fromRowid);
    if (range.session() != null) {
      args.addValue(Uuids.toBytes(range.session()));
    }
    args.addValue(batch);
    return connection.preparedQuery(sql).execute(args).compose(rows -> {
      long lastRowid = fromRowid;
      int before = page.events.size();
      long bytes = 0;
      for (Row r : rows) {
        if (deadline.passed()) { // decoding counts against the deadline too
          return Future.failedFuture(deadline.exceeded());
        }
        lastRowid = r.getLong(0);
        byte[] payload = SqlDialect.bytes(r, 2);
        bytes += payload.length;
        Cursor stop = addBlock(table, r, payload, page);
        if (stop != null) {
          page.full = true;
          page.next = new Cursor(table, stop.rowid(), stop.offset(), page.generations.get(table));
          return Future.succeededFuture();
        }
      }
      if (rows.size() < batch) {
        return Future.succeededFuture();
      }
      return readBlocks(table, lastRowid + 1, nextFetch(rows.size(), page.events.size() - before, bytes,
          page.limit - page.events.size()), page);
    });
  }

  /**
   * How many blocks the next fetch asks for: enough for the events the page still needs at the
   * rate the last fetch's blocks gave them (with a quarter to spare), within the block and byte caps.
   */
  static int nextFetch(int blocks, int eventsAdded, long bytes, int stillNeeded) {
    double eventsPerBlock = Math.max(eventsAdded, 1) / (double) blocks;
    long wanted = (long) Math.ceil(stillNeeded / eventsPerBlock * 1.25) + 1;
    long byBytes = MAX_FETCH_BYTES / Math.max(1, bytes / blocks);
    return (int) Math.max(FIRST_FETCH, Math.min(Math.min(wanted, byBytes), MAX_FETCH));
  }

  /**
   * Adds the block's matching events to the page; when the page fills inside it, returns where
   * the next page starts (its generation is filled in by the caller).
   */
  private Cursor addBlock(String table, Row r, byte[] payload, PageBuilder page) {
    long rowid = r.getLong(0);
    List<RawEvent> block;
    try {
      block = decodeChecked(r, payload);
    } catch (EventDecodeException | BlockDecryptException e) {
      page.unreadable.add(new UnreadableBlock(table, rowid, ErrorCode.of(e, ErrorCode.DECODE).name(), e.getMessage()));
      return null;
    }
    Cursor from = page.from;
    int skip = from != null && table.equals(from.table()) && rowid == from.rowid() ? from.offset() : 0;
    for (int i = skip; i < block.size(); i++) {
      RawEvent e = block.get(i);
      if (!page.range.matches(e)) {
        continue;
      }
      if (page.events.size() == page.limit) {
        return new Cursor(table, rowid, i, 0);
      }
      page.events.add(e);
    }
    return null;
  }

  /** Decodes a block row and checks it against its stored span and count. */
  private List<RawEvent> decodeChecked(Row r, byte[] payload) {
    List<RawEvent> block = codec.decode(payload, Uuids.fromBytes(SqlDialect.bytes(r, 1)),
        r.getLong(6), r.getLong(7));
    long start = r.getLong(3);
    long end = r.getLong(4);
    int count = r.getInteger(5);
    if (block.size() != count) {
      throw new EventDecodeException("holds " + block.size() + " events, its row says " + count);
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
   * index. Parameters: from − span, to, from, from, to (see {@link #overlapArgs}).
   */
  static String overlapping(String table) {
    return "SELECT rowid FROM " + table + " WHERE start_us >= ? AND start_us < ? AND end_us >= ?"
        + " AND NOT (" + Schema.LONG_BLOCK_TERM + ")"
        + " UNION ALL SELECT rowid FROM " + table + " WHERE " + Schema.LONG_BLOCK_TERM
        + " AND end_us >= ? AND start_us < ?";
  }

  /** {@link #overlapping}'s parameters, in order. */
  static Tuple overlapArgs(Range range) {
    return Tuple.of(range.fromMicros() - Schema.SHORT_BLOCK_SPAN_MICROS, range.toMicros(), range.fromMicros(),
        range.fromMicros(), range.toMicros());
  }

}
