package dev.skellyjelly.storage.http;

import dev.skellyjelly.storage.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only query API over HTTP, forwarded to {@code storage.query}. {@code /api/events}
 * streams every event of the range as JSON Lines, page by page with the response's backpressure,
 * so a month of events never sits in memory; the others answer one JSON object. A bad parameter
 * is a 400 naming it. A stream that fails after its first page (the status is sent by then) ends
 * with one error line, {@code {"error": ..., "complete": false, "eventsSent": n}}, and a log line.
 */
public final class QueryRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(QueryRoutes.class);

  private static final int STREAM_PAGE = 2_000;

  private QueryRoutes() {
  }

  public static void mount(Router router, EventBus bus) {
    router.get("/api/events").handler(ctx -> streamEvents(ctx, bus));
    router.get("/api/aggregates").handler(ctx -> single(ctx, bus, query("aggregates", ctx.queryParams())));
    router.get("/api/windows").handler(ctx -> single(ctx, bus, query("windows", ctx.queryParams())));
    router.get("/api/windows/:id").handler(ctx -> single(ctx, bus,
        new JsonObject().put("type", "window").put("id", ctx.pathParam("id"))));
    router.get("/api/screenshots").handler(ctx -> single(ctx, bus, query("screenshots", ctx.queryParams())));
  }

  private static JsonObject query(String type, MultiMap params) {
    JsonObject q = new JsonObject().put("type", type);
    params.forEach(e -> q.put(e.getKey(), e.getValue()));
    return q;
  }

  private static void single(RoutingContext ctx, EventBus bus, JsonObject q) {
    bus.<JsonObject>request(Addresses.QUERY, q).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json").end(ar.result().body().encode());
      } else {
        error(ctx.response(), ar.cause());
      }
    });
  }

  private static void streamEvents(RoutingContext ctx, EventBus bus) {
    JsonObject q = query("events", ctx.queryParams());
    q.remove("cursor");
    q.put("limit", STREAM_PAGE);
    HttpServerResponse response = ctx.response();
    nextPage(bus, q, null, response, 0);
  }

  /** Whether to ask for another page: not once the client has gone. */
  private static boolean clientGone(HttpServerResponse response) {
    return response.closed() || response.ended();
  }

  private static void nextPage(EventBus bus, JsonObject q, String cursor, HttpServerResponse response,
      long sent) {
    boolean first = cursor == null;
    JsonObject page = q.copy();
    if (cursor != null) {
      page.put("cursor", cursor);
    }
    bus.<JsonObject>request(Addresses.QUERY, page).onComplete(ar -> {
      if (clientGone(response)) {
        return;
      }
      if (ar.failed()) {
        if (first) {
          error(response, ar.cause());
        } else {
          LOG.error("GET /api/events " + q.encode() + " stopped after " + sent + " events: "
              + ar.cause().getMessage());
          response.end(new JsonObject().put("error", ar.cause().getMessage()).put("complete", false)
              .put("eventsSent", sent).encode() + "\n");
        }
        return;
      }
      if (first) {
        response.setChunked(true).putHeader("Content-Type", "application/x-ndjson");
      }
      StringBuilder lines = new StringBuilder();
      JsonArray events = ar.result().body().getJsonArray("events");
      for (int i = 0; i < events.size(); i++) {
        lines.append(events.getJsonObject(i).encode()).append('\n');
      }
      Future<Void> written = lines.isEmpty() ? Future.succeededFuture() : response.write(lines.toString());
      String next = ar.result().body().getString("next");
      JsonArray errors = ar.result().body().getJsonArray("errors");
      if (errors != null) {
        // Skipped blocks: the client sees one error line each, the stream goes on.
        errors.forEach(e -> response.write(new JsonObject().put("error", e).encode() + "\n"));
      }
      if (next == null) {
        written.onComplete(w -> response.end());
      } else if (clientGone(response)) {
        return; // disconnected: stop reading at once
      } else if (response.writeQueueFull()) {
        long total = sent + events.size();
        response.drainHandler(v -> {
          if (!clientGone(response)) {
            nextPage(bus, q, next, response, total);
          }
        });
      } else {
        nextPage(bus, q, next, response, sent + events.size());
      }
    });
  }

  private static void error(HttpServerResponse response, Throwable err) {
    int status = err instanceof ReplyException re && re.failureCode() >= 400 && re.failureCode() < 600
        ? re.failureCode() : 500;
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", err.getMessage()).encode());
  }
}
