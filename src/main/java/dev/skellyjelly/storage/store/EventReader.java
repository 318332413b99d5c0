package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads events back out of the blocks of the local store, a page at a time, on one read
 * session: the day tables of the range in order, each block read ({@link BlockScan}) and decoded
 * only until the page is full ({@link PageFill}). The cursor says where the next page starts.
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
    void accept(Page page) throws IOException;
  }

  /**
   * Reads every page of {@code range} from the database file in one snapshot, on the calling
   * thread (a command-line tool's, never an event loop), on a read-only session like the query
   * pool's; {@code sink} takes each page before the next is read.
   */
  public static void readAll(Path db, BlockCrypto crypto, Range range, int pageSize, PageSink sink)
      throws IOException, SQLException {
    try (SqliteSession session = SqliteSession.open(db)) {
      session.run(Deadline.none(), true, s -> {
        EventReader reader = new EventReader(s, crypto, Deadline.none());
        Cursor cursor = null;
        do {
          Future<Page> read = reader.page(range, cursor, pageSize);
          if (read.failed()) {
            return read.mapEmpty();
          }
          try {
            sink.accept(read.result());
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          cursor = read.result().next();
        } while (cursor != null);
        return Future.succeededFuture();
      });
    } catch (IOException | SQLException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("reading " + db + " failed: " + e.getMessage(), e);
    }
  }

  private final ReadSession session;
  private final BlockCodec codec;
  private final Deadline deadline;

  /** A reader of a plaintext database. */
  public EventReader(ReadSession session, Deadline deadline) {
    this(session, null, deadline);
  }

  /** A reader that opens encrypted blocks with {@code crypto} (null: none are expected). */
  public EventReader(ReadSession session, BlockCrypto crypto, Deadline deadline) {
    this.session = session;
    this.codec = new BlockCodec(crypto);
    this.deadline = deadline;
  }

  /**
   * Reads up to {@code limit} events of {@code range} from {@code cursor} (null: the start). Run
   * it in one snapshot (a read pool's {@code oneSnapshot}): a merge committing meanwhile is then
   * seen wholly or not at all.
   */
  public Future<Page> page(Range range, Cursor cursor, int limit) {
    return BlockTables.withGenerations(session).compose(tables -> {
      if (cursor != null && tables.getOrDefault(cursor.table(), 0L) != cursor.generation()) {
        throw new StaleCursorException(cursor);
      }
      PageFill page = new PageFill(range, cursor, limit, codec, tables);
      return readTables(new ArrayList<>(tables.keySet()), 0, range, cursor, page).map(v -> page.page());
    });
  }

  private Future<Void> readTables(List<String> tables, int index, Range range, Cursor from, PageFill page) {
    if (page.full() || index == tables.size()) {
      return Future.succeededFuture();
    }
    String table = tables.get(index);
    // A day table holds only events of its UTC day (writers split blocks at midnight).
    long dayStart = Schema.dayStartMicros(table);
    if (dayStart >= range.toMicros() || dayStart + Maintenance.DAY_MICROS <= range.fromMicros()
        || (from != null && table.compareTo(from.table()) < 0)) {
      return readTables(tables, index + 1, range, from, page);
    }
    long fromRowid = from != null && table.equals(from.table()) ? from.rowid() : Long.MIN_VALUE;
    if (deadline.passed()) {
      return Future.failedFuture(deadline.exceeded());
    }
    return session.visit(BlockScan.sql(table, range), BlockScan.args(range, fromRowid), r -> {
      if (deadline.passed()) { // decoding counts against the deadline too
        throw deadline.exceeded();
      }
      page.add(table, r, SqlDialect.bytes(r, 2));
      return !page.full();
    }).compose(v -> readTables(tables, index + 1, range, from, page));
  }
}
