package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.Uuids;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A page of events being filled from blocks, in block order: the events of the range taken so
 * far (from the cursor's offset in its block on), the blocks that could not be read, and where
 * the next page starts once this one is full.
 */
final class PageFill {

  private final EventReader.Range range;
  private final EventReader.Cursor from;
  private final int limit;
  private final BlockCodec codec;
  private final Map<String, Long> generations;
  private final List<RawEvent> events;
  private final List<EventReader.UnreadableBlock> unreadable = new ArrayList<>();
  private EventReader.Cursor next;

  PageFill(EventReader.Range range, EventReader.Cursor from, int limit, BlockCodec codec, Map<String, Long> generations) {
    this.range = range;
    this.from = from;
    this.limit = limit;
    this.codec = codec;
    this.generations = generations;
    this.events = new ArrayList<>(Math.min(limit, 4096));
  }

  boolean full() {
    return next != null;
  }

  EventReader.Page page() {
    return new EventReader.Page(events, next, unreadable);
  }

  /**
   * Adds the matching events of a block row (see {@link BlockScan#sql}) of {@code table}; a
   * block that does not decode or disagrees with its stored span is recorded as unreadable.
   * Once the page fills inside the block, the next page starts at the first event left.
   */
  void add(String table, Tuple r, byte[] payload) {
    long rowid = r.getLong(0);
    List<RawEvent> block;
    try {
      block = decodeChecked(r, payload);
    } catch (EventDecodeException | BlockDecryptException e) {
      unreadable.add(new EventReader.UnreadableBlock(table, rowid, ErrorCode.of(e, ErrorCode.DECODE).name(),
          e.getMessage()));
      return;
    }
    int skip = from != null && table.equals(from.table()) && rowid == from.rowid() ? from.offset() : 0;
    for (int i = skip; i < block.size(); i++) {
      RawEvent e = block.get(i);
      if (!range.matches(e)) {
        continue;
      }
      if (events.size() == limit) {
        next = new EventReader.Cursor(table, rowid, i, generations.get(table));
        return;
      }
      events.add(e);
    }
  }

  /** Decodes a block row and checks it against its stored span and count. */
  private List<RawEvent> decodeChecked(Tuple r, byte[] payload) {
    List<RawEvent> block = codec.decode(payload, Uuids.fromBytes(SqlDialect.bytes(r, 1)), r.getLong(6), r.getLong(7));
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
}
