package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.time.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * The parameters every query shares, read from its JSON: times, the page limit, the event range.
 * Each bad value is an {@link IllegalArgumentException} whose message names the parameter.
 */
public final class QueryParameters {

  /** The largest page a query may ask for. */
  public static final int MAX_PAGE = 10_000;

  private QueryParameters() {
  }

  /** The time {@code name} in epoch microseconds (a number or an ISO-8601 instant). */
  public static long micros(JsonObject q, String name) {
    return Timestamps.micros(q.getValue(name), "parameter '" + name + "'");
  }

  /** {@code limit}: 1..{@value #MAX_PAGE}, 1,000 when absent. */
  public static int limit(JsonObject q) {
    Object v = q.getValue("limit", 1000);
    int n;
    try {
      n = v instanceof Number num ? num.intValue() : Integer.parseInt(v.toString());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_PAGE) {
      throw new IllegalArgumentException("parameter 'limit' = " + v + " must be 1.." + MAX_PAGE);
    }
    return n;
  }

  /** The events asked for: from, to, optional session and kinds (a JSON array or comma-separated names). */
  public static EventReader.Range range(JsonObject q) {
    UUID session = null;
    if (q.getValue("session") != null) {
      try {
        session = UUID.fromString(q.getValue("session").toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("parameter 'session' = '" + q.getValue("session")
            + "' is not a UUID");
      }
    }
    Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
    Object k = q.getValue("kinds");
    if (k != null) {
      Iterable<?> names = k instanceof JsonArray a ? a : Arrays.asList(k.toString().split(","));
      for (Object name : names) {
        try {
          kinds.add(EventKind.fromName(name.toString().trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("parameter 'kinds': " + e.getMessage());
        }
      }
    }
    return new EventReader.Range(micros(q, "from"), micros(q, "to"), session, kinds);
  }
}
