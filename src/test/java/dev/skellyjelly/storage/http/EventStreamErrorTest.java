package dev.skellyjelly.storage.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An HTTP event stream that cannot finish says so in its last line instead of just stopping. */
@ExtendWith(VertxExtension.class)
class EventStreamErrorTest {

  @Test
  void aPageFailingMidStreamEndsWithAnErrorLineTheClientSees(Vertx vertx, VertxTestContext ctx) {
    // The query side answers the first page and fails the second, as a damaged block would.
    vertx.eventBus().<JsonObject>consumer(Addresses.QUERY, m -> {
      if (m.body().getString("cursor") == null) {
        m.reply(new JsonObject().put("events", new JsonArray()
            .add(new JsonObject().put("n", 1)).add(new JsonObject().put("n", 2))).put("next", "c1"));
      } else {
        m.fail(ErrorCode.DECODE.failureCode(), "DECODE: block event_blocks_20261110 rowid 7 is corrupt");
      }
    });
    Router router = Router.router(vertx);
    QueryRoutes.mount(router, vertx.eventBus());
    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .compose(server -> vertx.createHttpClient()
            .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/api/events?from=0&to=10")
            .compose(req -> req.send())
            .compose(resp -> resp.body().map(body -> {
              ctx.verify(() -> assertEquals(200, resp.statusCode()));
              return body.toString();
            })))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          List<String> lines = body.lines().toList();
          assertEquals(3, lines.size(), body);
          assertEquals(1, new JsonObject(lines.get(0)).getInteger("n"));
          JsonObject last = new JsonObject(lines.get(2));
          assertFalse(last.getBoolean("complete"));
          assertEquals(2, last.getLong("eventsSent"));
          assertTrue(last.getString("error").contains("event_blocks_20261110 rowid 7"), last.encode());
          ctx.completeNow();
        })));
  }
}
