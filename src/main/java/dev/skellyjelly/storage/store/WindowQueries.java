package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The recorded windows: a page of them (in the shared store each names its device), and one
 * window replayed as the Analysis Engine received it (local store only).
 */
final class WindowQueries {

  private final SqlDialect dialect;
  private final BlockCrypto crypto;
  private final KeyedPage pages;

  WindowQueries(SqlDialect dialect, BlockCrypto crypto) {
    this.dialect = dialect;
    this.crypto = crypto;
    this.pages = new KeyedPage(dialect, "windows", "start_us", "window_id");
  }

  /** One page of windows: id, [device,] start, end and event count. */
  Future<JsonObject> page(ReadSession session, JsonObject q) {
    int id = pages.keyColumns() - 1;
    boolean shared = dialect.sharedByDevices();
    return pages.read(session, q, "end_us, event_count", "windows", r -> {
      JsonObject w = new JsonObject().put("windowId", dialect.uuid(r, id).toString());
      if (shared) {
        w.put("device", dialect.uuid(r, 1).toString());
      }
      return w.put("startMicros", r.getLong(0)).put("endMicros", r.getLong(id + 1))
          .put("eventCount", r.getInteger(id + 2));
    });
  }

  /** The window {@code id} with its events in session, sequence order; null when there is none. */
  Future<JsonObject> replay(ReadSession session, JsonObject q, Deadline deadline) {
    UUID id;
    try {
      id = UUID.fromString(String.valueOf(q.getValue("id")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter 'id' = '" + q.getValue("id") + "' is not a window id (UUID)");
    }
    return session.select("SELECT start_us, end_us, members, screenshot_refs FROM windows WHERE window_id = ?",
        Tuple.of(dialect.uuid(id))).compose(rows -> {
          if (rows.isEmpty()) {
            return Future.succeededFuture(null);
          }
          Tuple r = rows.get(0);
          long start = r.getLong(0);
          long end = r.getLong(1);
          JsonArray refs = new JsonArray();
          for (ScreenshotId ref : WindowRows.readScreenshotRefs(SqlDialect.bytes(r, 3))) {
            refs.add(ref.toString());
          }
          return new WindowReplay(session, crypto, deadline).events(WindowMembers.decode(SqlDialect.bytes(r, 2)))
              .map(members -> {
                JsonArray events = new JsonArray();
                for (RawEvent e : members) {
                  events.add(EventJson.toJson(e));
                }
                return new JsonObject().put("windowId", id.toString()).put("startMicros", start)
                    .put("endMicros", end).put("events", events).put("screenshotRefs", refs);
              });
        });
  }
}
