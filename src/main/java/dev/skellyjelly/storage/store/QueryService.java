package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * The read-only queries, as JSON in and JSON out, written once against {@link ReadSession} and
 * read through a {@link ReadPool}: the local SQLite file, or the shared PostgreSQL store;
 * {@link SqlDialect} covers what differs. Every bad parameter is an
 * {@link IllegalArgumentException} whose message names it ({@link QueryParameters}).
 *
 * <ul>
 *   <li>{@code events}: from, to (epoch µs), optional session, kinds, cursor, limit (≤ 10,000) —
 *       one page and the cursor of the next ({@link EventReader})</li>
 *   <li>{@code aggregates}: from, to, optional resolution minute|hour|day ({@link AggregateQuery})</li>
 *   <li>{@code windows}: from, to, cursor, limit — one page of the recorded windows;
 *       {@code window}: id — one window re-materialised with its events ({@link WindowQueries})</li>
 *   <li>{@code screenshots}: from, to, cursor, limit — one page of screenshot metadata ({@link ScreenshotPage})</li>
 * </ul>
 */
public final class QueryService {

  private final ReadPool pool;
  private final SqlDialect dialect;
  private final BlockCrypto crypto;
  private final WindowQueries windows;
  private final ScreenshotPage screenshots;
  private final SharedEventPage sharedEvents;

  /** Queries of the local store in {@code pool}; {@code crypto} opens encrypted blocks and columns (null: plaintext). */
  public QueryService(ReadPool pool, BlockCrypto crypto) {
    this(pool, crypto, null);
  }

  /** Queries of the shared store in {@code pool}, whose blocks {@code devices} opens. */
  public static QueryService shared(ReadPool pool, DeviceBlocks devices) {
    return new QueryService(pool, null, devices);
  }

  private QueryService(ReadPool pool, BlockCrypto crypto, DeviceBlocks devices) {
    this.pool = pool;
    this.dialect = pool.dialect();
    this.crypto = crypto;
    this.windows = new WindowQueries(dialect, crypto);
    this.screenshots = new ScreenshotPage(dialect, crypto);
    this.sharedEvents = devices == null ? null : new SharedEventPage(devices);
  }

  /**
   * Runs one query of the local store, stopped at {@code deadline} (see {@link #read}); a page
   * of events is read in one snapshot, the one-statement queries without a transaction around
   * them. Null when a window is not found.
   */
  public Future<JsonObject> query(JsonObject q, Deadline deadline) {
    return read(deadline, "events".equals(q.getString("type")), session -> run(session, q, deadline));
  }

  /**
   * Runs {@code query} on a session of the pool (see {@link ReadPool#read}). A query stopped at
   * its deadline, or failing after it passed, fails with {@code TIMEOUT}.
   */
  public Future<JsonObject> read(Deadline deadline, boolean oneSnapshot, Function<ReadSession, Future<JsonObject>> query) {
    return pool.read(deadline, oneSnapshot, query).recover(err -> {
      boolean expected = err instanceof IllegalArgumentException || err instanceof StorageException
          || err instanceof EventReader.StaleCursorException;
      if (dialect.interrupted(err) || (deadline.passed() && !expected)) {
        return Future.failedFuture(deadline.exceeded());
      }
      return Future.failedFuture(err);
    });
  }

  /** Runs one query of the local store (every type) on {@code session}; null when a window is not found. */
  public Future<JsonObject> run(ReadSession session, JsonObject q, Deadline deadline) {
    String type = q.getString("type");
    if (type == null) {
      return Future.failedFuture(new IllegalArgumentException("parameter 'type' is missing: events, aggregates,"
          + " windows, window or screenshots"));
    }
    try {
      return switch (type) {
        case "events" -> events(session, q, deadline);
        case "aggregates" -> aggregates(session, q);
        case "windows" -> windows(session, q);
        case "window" -> windows.replay(session, q, deadline);
        case "screenshots" -> screenshots.read(session, q);
        default -> throw new IllegalArgumentException("parameter 'type' = '" + type + "' is not one of"
            + " events, aggregates, windows, window, screenshots");
      };
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The aggregate rows of the query's range; summed over devices in the shared store. */
  public Future<JsonObject> aggregates(ReadSession session, JsonObject q) {
    return AggregateQuery.run(session, dialect, q);
  }

  /** One page of recorded windows; in the shared store each names its device. */
  public Future<JsonObject> windows(ReadSession session, JsonObject q) {
    return windows.page(session, q);
  }

  /** One page of events; in the shared store each names its device. */
  public Future<JsonObject> events(ReadSession session, JsonObject q, Deadline deadline) {
    if (dialect.sharedByDevices()) {
      return sharedEvents.read(session, q, deadline);
    }
    EventReader.Range range = QueryParameters.range(q);
    String cursorText = q.getString("cursor");
    EventReader.Cursor cursor;
    try {
      cursor = cursorText == null ? null : EventReader.Cursor.parse(cursorText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("parameter 'cursor': " + e.getMessage());
    }
    return new EventReader(session, crypto, deadline).page(range, cursor, QueryParameters.limit(q)).map(page -> {
      JsonArray events = new JsonArray();
      for (RawEvent e : page.events()) {
        events.add(EventJson.toJson(e));
      }
      JsonObject reply = new JsonObject().put("events", events)
          .put("next", page.next() == null ? null : page.next().encode());
      if (!page.unreadable().isEmpty()) {
        reply.put("errors", unreadableJson(page.unreadable()));
      }
      return reply;
    });
  }

  /** Skipped blocks as typed errors: {code: DECODE, table, block, message}. */
  static JsonArray unreadableJson(List<EventReader.UnreadableBlock> blocks) {
    JsonArray errors = new JsonArray();
    for (EventReader.UnreadableBlock b : blocks) {
      errors.add(new JsonObject().put("code", b.code()).put("table", b.table()).put("block", b.rowid())
          .put("message", "block " + b.rowid() + " of " + b.table() + " was skipped: " + b.reason()));
    }
    return errors;
  }
}
