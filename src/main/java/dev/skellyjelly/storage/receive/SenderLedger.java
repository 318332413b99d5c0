package dev.skellyjelly.storage.receive;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the receiver could not take from frames sent without a reply, per producer (its
 * {@code skelly-sender} id), until that producer syncs and hears the counts. A producer that
 * never syncs must not grow it forever: past {@link #MAX_SENDERS} the oldest entry is forgotten
 * (its events are still counted in {@code skelly_events_dropped_total}).
 */
final class SenderLedger {

  static final int MAX_SENDERS = 10_000;

  private final Map<String, long[]> counts = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      return size() > MAX_SENDERS;
    }
  };

  /** Events refused because the write queue was full. */
  void refused(String sender, int events) {
    counts.computeIfAbsent(sender, s -> new long[2])[0] += events;
  }

  /** Events of a frame that was invalid (undecodable, inconsistent, too large). */
  void rejected(String sender, int events) {
    counts.computeIfAbsent(sender, s -> new long[2])[1] += events;
  }

  /** The counts since the sender's last sync, which start again from zero. */
  JsonObject sync(String sender) {
    long[] c = counts.remove(sender);
    return new JsonObject().put("refused", c == null ? 0 : c[0]).put("rejected", c == null ? 0 : c[1]);
  }
}
