package dev.skellyjelly.storage.http;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators see over HTTP: {@code /metrics} (Prometheus), {@code /health} (liveness),
 * {@code /ready} (readiness, failing check named), the query API under {@code /api}, and the
 * dashboard at {@code /} with its data at {@code /api/dashboard}. Everything but the metrics
 * scrape comes from the module over the bus: {@code storage.health}, the status samples and
 * {@code storage.query}, each with a deadline.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** How long a status request may take before the HTTP answer says the module did not reply. */
  private static final long STATUS_TIMEOUT_MS = 5_000;
  private static final long HOUR_MICROS = 3_600_000_000L;

  private final StorageConfig config;
  private final MeterRegistry registry;
  private HttpServer server;

  public HttpVerticle(StorageConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    router.get("/health").handler(ctx -> health().onComplete(ar -> {
      if (ar.failed()) {
        json(ctx, 503, new JsonObject().put("status", "UNKNOWN").put("error", ar.cause().getMessage()));
        return;
      }
      JsonObject h = ar.result();
      JsonObject body = new JsonObject().put("status", "UP").put("integrity", h.getValue("integrity"));
      if (h.containsKey("replication")) {
        body.put("replication", h.getValue("replication"));
      }
      json(ctx, 200, body);
    }));
    router.get("/ready").handler(ctx -> health().onComplete(ar -> {
      if (ar.failed()) {
        json(ctx, 503, new JsonObject().put("status", "NOT_READY").put("error", ar.cause().getMessage()));
        return;
      }
      json(ctx, "READY".equals(ar.result().getString("status")) ? 200 : 503, ar.result());
    }));
    router.get("/api/dashboard").handler(this::dashboard);
    QueryRoutes.mount(router, vertx.eventBus());
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    return vertx.createHttpServer().requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> {
          server = s;
          LOG.info("HTTP on http://{}:{}/ (dashboard), /metrics, /health, /ready",
              config.http().host(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot listen on "
            + config.http().host() + ":" + config.http().port() + " (" + err.getMessage()
            + "); set http.port to a free port or http.enabled = false", err)));
  }

  /** The port actually bound (http.port may be 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  private Future<JsonObject> health() {
    return request(Addresses.HEALTH, new JsonObject());
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body,
        new DeliveryOptions().setSendTimeout(STATUS_TIMEOUT_MS)).map(Message::body);
  }

  private void metrics(RoutingContext ctx) {
    if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
      ctx.response().setStatusCode(501).end("metrics registry is "
          + registry.getClass().getSimpleName() + ", not Prometheus: start the module through"
          + " the launcher or pass a PrometheusMeterRegistry to StorageModule.deploy\n");
      return;
    }
    vertx.executeBlocking(prometheus::scrape, false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(ar.result());
    });
  }

  /**
   * The dashboard's data: the last minutes of samples, readiness, replication, and the last hour
   * of minute aggregates through {@code storage.query}. A part that fails is named in the reply
   * ({@code samplesError}, {@code minutesError}) and the rest is still shown.
   */
  private void dashboard(RoutingContext ctx) {
    long now = System.currentTimeMillis() * 1000L;
    JsonObject minutesQuery = new JsonObject().put("type", "aggregates").put("resolution", "minute")
        .put("from", now - HOUR_MICROS).put("to", now + 60_000_000L);
    Future<JsonObject> samples = request(Addresses.STATUS_SAMPLES, new JsonObject());
    Future<JsonObject> health = health();
    Future<JsonObject> minutes = request(Addresses.QUERY, minutesQuery);
    Future.join(samples, health, minutes).onComplete(done -> {
      JsonObject body = new JsonObject();
      if (samples.succeeded()) {
        body.put("samples", samples.result().getJsonArray("samples"));
      } else {
        body.put("samples", new JsonArray()).put("samplesError", samples.cause().getMessage());
      }
      if (health.succeeded()) {
        JsonObject h = health.result().copy();
        body.put("replication", h.remove("replication"));
        h.remove("live");
        h.remove("integrity");
        body.put("ready", h);
      } else {
        body.put("ready", new JsonObject().put("status", "UNKNOWN").put("error", health.cause().getMessage()));
      }
      if (minutes.succeeded()) {
        body.put("minutes", dashboardMinutes(minutes.result().getJsonArray("rows")));
      } else {
        body.put("minutes", new JsonArray()).put("minutesError", minutes.cause().getMessage());
      }
      json(ctx, 200, body);
    });
  }

  /** Aggregate rows in the dashboard's shape: minute in epoch ms, short field names. */
  static JsonArray dashboardMinutes(JsonArray rows) {
    JsonArray minutes = new JsonArray();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.getJsonObject(i);
      minutes.add(new JsonObject().put("minute", r.getLong("startMicros") / 1000)
          .put("keystrokes", r.getLong("keystrokes")).put("clicks", r.getLong("mouseClicks"))
          .put("windowSwitches", r.getLong("windowSwitches")).put("activeMs", r.getLong("activeTimeMs"))
          .put("screenshots", r.getLong("screenshots")));
    }
    return minutes;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
