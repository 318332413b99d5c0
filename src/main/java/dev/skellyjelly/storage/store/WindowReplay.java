package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.SequenceRanges;
import dev.skellyjelly.storage.event.Uuids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Replays a recorded window: the stored events of its members (per-session sequence ranges),
 * read from the blocks that hold them, in session and sequence order.
 */
final class WindowReplay {

  private final ReadSession session;
  private final BlockCodec codec;
  private final Deadline deadline;

  WindowReplay(ReadSession session, BlockCrypto crypto, Deadline deadline) {
    this.session = session;
    this.codec = new BlockCodec(crypto);
    this.deadline = deadline;
  }

  /** The events of a window, by its members (per-session sequence ranges), in sequence order. */
  Future<List<RawEvent>> events(Map<UUID, SequenceRanges> members) {
    List<RawEvent> out = new ArrayList<>();
    return BlockTables.withGenerations(session).compose(generations -> {
      List<String> tables = new ArrayList<>(generations.keySet());
      Future<Void> all = Future.succeededFuture();
      for (Map.Entry<UUID, SequenceRanges> m : members.entrySet()) {
        List<long[]> intervals = m.getValue().intervals();
        if (intervals.isEmpty()) {
          continue;
        }
        long lo = intervals.get(0)[0];
        long hi = intervals.get(intervals.size() - 1)[1];
        for (String table : tables) {
          all = all.compose(v -> {
            if (deadline.passed()) {
              return Future.failedFuture(deadline.exceeded());
            }
            return session.select("SELECT b.payload, b.first_seq, b.last_seq FROM " + table
                + " b JOIN sessions s ON s.session_key = b.session_key WHERE s.session_id = ?"
                + " AND b.first_seq <= ? AND b.last_seq >= ? ORDER BY b.first_seq",
                Tuple.of(Uuids.toBytes(m.getKey()), hi, lo)).map(rows -> {
                  for (Tuple r : rows) {
                    for (RawEvent e : codec.decode(SqlDialect.bytes(r, 0), m.getKey(), r.getLong(1), r.getLong(2))) {
                      if (m.getValue().contains(e.sequence())) {
                        out.add(e);
                      }
                    }
                  }
                  return null;
                });
          });
        }
      }
      return all;
    }).map(v -> {
      out.sort(java.util.Comparator.comparing(RawEvent::sessionId).thenComparingLong(RawEvent::sequence));
      return out;
    });
  }
}
