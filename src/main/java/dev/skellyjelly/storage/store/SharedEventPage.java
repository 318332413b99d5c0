package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * A page of events of the shared store ({@code scope=all}): every device's blocks in one table,
 * read in (start, device, session, first sequence) order from the cursor in bounded fetches,
 * each opened with its device's keys ({@link DeviceBlocks}).
 */
final class SharedEventPage {

  /** Blocks fetched per round trip while filling a page of events. */
  private static final int BLOCKS_PER_FETCH = 64;

  /** Where a page stopped: the block's key and how many of its events were returned. */
  private record Cursor(long start, UUID device, UUID session, long firstSeq, int eventCount, int offset) {
    String encode() {
      return "all:" + start + ":" + device + ":" + session + ":" + firstSeq + ":" + eventCount + ":" + offset;
    }

    static Cursor parse(String text) {
      String[] p = text.split(":");
      try {
        if (p.length == 7 && p[0].equals("all")) {
          return new Cursor(Long.parseLong(p[1]), UUID.fromString(p[2]), UUID.fromString(p[3]),
              Long.parseLong(p[4]), Integer.parseInt(p[5]), Integer.parseInt(p[6]));
        }
      } catch (IllegalArgumentException e) {
        // refused below
      }
      throw new IllegalArgumentException("parameter 'cursor' = '" + text + "' is not one a scope=all query returned");
    }
  }

  private static final class EventsPage {
    final JsonArray events = new JsonArray();
    final JsonArray errors = new JsonArray();
    DeviceBlocks.Opener opener;
    Cursor next;
    boolean first = true;
  }

  private final DeviceBlocks devices;

  SharedEventPage(DeviceBlocks devices) {
    this.devices = devices;
  }

  /** The page asked for by {@code q}: each event names its device; skipped blocks are typed errors. */
  Future<JsonObject> read(ReadSession c, JsonObject q, Deadline deadline) {
    EventReader.Range range = QueryParameters.range(q);
    int limit = QueryParameters.limit(q);
    Cursor cursor = q.getString("cursor") == null ? null : Cursor.parse(q.getString("cursor"));
    EventsPage page = new EventsPage();
    return devices.current(c).compose(opener -> {
      page.opener = opener;
      return fetchBlocks(c, range, limit, cursor, page, deadline);
    }).map(v -> {
      JsonObject reply = new JsonObject().put("events", page.events)
          .put("next", page.next == null ? null : page.next.encode());
      if (!page.errors.isEmpty()) {
        reply.put("errors", page.errors);
      }
      return reply;
    });
  }

  /**
   * Blocks overlapping the range in (start, device, session, first sequence) order from the cursor.
   * A day partition holds blocks starting that day and no block crosses midnight, so starting at
   * the range's day bounds the scan to the partitions that matter.
   */
  private Future<Void> fetchBlocks(ReadSession c, EventReader.Range range, int limit, Cursor from, EventsPage page,
      Deadline deadline) {
    if (deadline.passed()) {
      return Future.failedFuture(deadline.exceeded());
    }
    long dayStart = Math.floorDiv(range.fromMicros(), Maintenance.DAY_MICROS) * Maintenance.DAY_MICROS;
    Tuple args = Tuple.of(dayStart, range.toMicros(), range.fromMicros(), range.mask());
    String sql = "SELECT start_us, device_id, session_id, first_seq, event_count, payload, last_seq FROM event_blocks"
        + " WHERE start_us >= ? AND start_us < ? AND end_us >= ? AND (type_mask & ?) != 0";
    if (range.session() != null) {
      sql += " AND session_id = ?";
      args.addValue(range.session());
    }
    if (from != null) {
      sql += " AND (start_us, device_id, session_id, first_seq) >= (?, ?, ?, ?)";
      args.addValue(from.start()).addValue(from.device()).addValue(from.session()).addValue(from.firstSeq());
    }
    sql += " ORDER BY start_us, device_id, session_id, first_seq LIMIT " + BLOCKS_PER_FETCH;
    return c.select(sql, args).compose(rows -> {
      Tuple last = null;
      for (Tuple r : rows) {
        last = r;
        UUID device = r.getUUID(1);
        UUID session = r.getUUID(2);
        int count = r.getInteger(4);
        int skip = 0;
        boolean resumed = from != null && r.getLong(0) == from.start() && device.equals(from.device())
            && session.equals(from.session()) && r.getLong(3) == from.firstSeq();
        if (page.first && from != null) {
          if (!resumed || count != from.eventCount()) {
            throw new EventReader.StaleCursorException("the block under cursor '" + from.encode() + "' was"
                + " replaced (merged on its device) or removed after the cursor was issued;"
                + " run the query again from its beginning (without a cursor)");
          }
          skip = from.offset();
        } else if (resumed) {
          continue; // the cursor's block, already read in an earlier fetch of this page
        }
        page.first = false;
        List<RawEvent> block;
        try {
          block = page.opener.open(device, session, r.getLong(3), r.getLong(6), SqlDialect.bytes(r, 5));
        } catch (EventDecodeException | BlockDecryptException e) {
          page.errors.add(new JsonObject().put("code", ErrorCode.of(e, ErrorCode.DECODE).name()).put("device", device.toString())
              .put("message", "a block of device " + device + " session " + session + " from sequence "
                  + r.getLong(3) + " was skipped: " + e.getMessage()));
          continue;
        }
        for (int i = skip; i < block.size(); i++) {
          RawEvent e = block.get(i);
          if (!range.matches(e)) {
            continue;
          }
          if (page.events.size() == limit) {
            page.next = new Cursor(r.getLong(0), device, session, r.getLong(3), count, i);
            return Future.succeededFuture();
          }
          page.events.add(EventJson.toJson(e).put("device", device.toString()));
        }
      }
      if (rows.size() < BLOCKS_PER_FETCH || last == null) {
        return Future.succeededFuture();
      }
      // Continue after the last block read: it is the new lower bound (skipped as 'resumed').
      Cursor after = new Cursor(last.getLong(0), last.getUUID(1), last.getUUID(2), last.getLong(3),
          last.getInteger(4), last.getInteger(4));
      return fetchBlocks(c, range, limit, after, page, deadline);
    });
  }

}
