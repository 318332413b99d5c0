package dev.skellyjelly.storage.metrics;

import dev.skellyjelly.storage.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.QueryHttpRoutes;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators and other modules see of the module's state: {@code /metrics} (Prometheus),
 * {@code /health} (liveness), {@code /ready} (readiness, failing check named), the dashboard at
 * {@code /} with its data at {@code /api/dashboard}, and health on the bus at
 * {@code storage.health}. Samples the per-second figures (events/s as an exponential moving
 * average, events per window, write latency) once a second.
 */
public final class ObservabilityVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ObservabilityVerticle.class);
  private static final int HISTORY_SECONDS = 180;
  /** Weight of the newest second in the events/s moving average. */
  private static final double EMA_ALPHA = 0.3;

  private final StorageConfig config;
  private final MeterRegistry registry;
  private final ModuleStatus status;
  private final AtomicReference<Double> eventsPerSecond = new AtomicReference<>(0.0);
  private final Deque<JsonObject> history = new ArrayDeque<>();
  private boolean writable = true;
  private String writerDetail = "no commit has failed";
  private boolean diskLow;
  private final HeapBudget heapBudget;
  /** The writer's integrity check at start: ok, or what was quarantined and salvaged. */
  private JsonObject integrity;
  private double lastReceived;
  private long lastWriteCount;
  private double lastWriteSeconds;
  private long lastBatchCount;
  private double lastBatchEvents;
  private long lastSampleNanos;
  private HttpServer server;
  private long sampler = -1;

  public ObservabilityVerticle(StorageConfig config, MeterRegistry registry, ModuleStatus status) {
    this.config = config;
    this.registry = registry;
    this.status = status;
    this.heapBudget = new HeapBudget(config.maxMemoryBytes());
    Gauge.builder("skelly.events.per.second", eventsPerSecond, AtomicReference::get)
        .description("Events received per second, exponential moving average over seconds")
        .register(registry);
    ProcessGauges.register(registry, config.maxMemoryBytes(), config.targetCpuPercent());
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(Addresses.WRITER_STATUS, m -> {
      writable = m.body().getBoolean("writable");
      writerDetail = m.body().getString("detail");
    });
    bus.<Boolean>localConsumer(Addresses.DISK_GUARD, m -> diskLow = Boolean.TRUE.equals(m.body()));
    lastSampleNanos = System.nanoTime();
    sampler = vertx.setPeriodic(1000, id -> sample());
    Future<?> health = bus.<JsonObject>request(Addresses.DATABASE_INTEGRITY, null)
        .onSuccess(m -> integrity = m.body())
        .compose(v -> bus.consumer(Addresses.HEALTH, m -> m.reply(readiness().report()
            .put("live", true).put("integrity", integrity))).completion());
    if (!config.http().enabled()) {
      return health;
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    router.get("/health").handler(ctx -> healthReport().onComplete(ar -> json(ctx, 200, ar.result())));
    router.get("/ready").handler(ctx -> {
      Readiness r = readiness();
      json(ctx, r.ready() ? 200 : 503, r.report());
    });
    router.get("/api/dashboard").handler(this::dashboard);
    QueryHttpRoutes.mount(router, vertx.eventBus());
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    return health.compose(v -> vertx.createHttpServer().requestHandler(router)
            .listen(config.http().port(), config.http().host()))
        .onSuccess(s -> {
          server = s;
          LOG.info("HTTP on http://{}:{}/ (dashboard), /metrics, /health, /ready",
              config.http().host(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot listen on "
            + config.http().host() + ":" + config.http().port() + " (" + err.getMessage()
            + "); set http.port to a free port or http.enabled = false", err)));
  }

  /**
   * Liveness, with replication's state when {@code [postgres]} is on. Replication is not needed
   * for capture, so it never turns health or readiness red; it is reported for the operator.
   */
  private Future<JsonObject> healthReport() {
    JsonObject body = new JsonObject().put("status", "UP").put("integrity", integrity);
    if (!config.postgres().enabled()) {
      return Future.succeededFuture(body);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.REPLICATION_STATUS, new JsonObject(),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2_000))
        .map(m -> body.put("replication", m.body()))
        .otherwise(err -> body.put("replication", new JsonObject().put("enabled", true)
            .put("state", "unknown").put("lastError", "no answer from replication: " + err.getMessage())));
  }

  /** The port actually bound (http.port may be 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  Readiness readiness() {
    Readiness r = new Readiness()
        .set(Readiness.DATABASE, writable, writable ? "writable (" + writerDetail + ")"
            : "last write failed: " + writerDetail)
        .set(Readiness.DISK, !diskLow, diskLow ? "free space below storage.min_free_space_mb"
            : "free space above storage.min_free_space_mb")
        .set(Readiness.VERTICLES, status.deployed(), status.deployed() ? "all deployed"
            : "not all verticles are deployed");
    if (config.cluster().enabled() || vertx.isClustered()) {
      r.set(Readiness.CLUSTER, vertx.isClustered(), vertx.isClustered() ? "joined"
          : "cluster.enabled but this Vert.x is not clustered");
    }
    return r;
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

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  /** Once a second: the moving figures of the dashboard and the events/s gauge. */
  private void sample() {
    heapBudget.check(HeapBudget.liveBytes()).ifPresent(LOG::warn);
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
    lastSampleNanos = now;
    double received = registry.find("skelly.events.received").counters().stream()
        .mapToDouble(Counter::count).sum();
    double rate = (received - lastReceived) / seconds;
    lastReceived = received;
    double ema = EMA_ALPHA * rate + (1 - EMA_ALPHA) * eventsPerSecond.get();
    eventsPerSecond.set(ema < 1e-3 ? 0.0 : ema);

    Timer write = registry.find("skelly.db.write.latency").timer();
    double writeMs = 0;
    if (write != null && write.count() > lastWriteCount) {
      double total = write.totalTime(TimeUnit.SECONDS);
      writeMs = (total - lastWriteSeconds) / (write.count() - lastWriteCount) * 1000;
      lastWriteSeconds = total;
      lastWriteCount = write.count();
    }
    DistributionSummary perBatch = registry.find("skelly.batch.events").summary();
    double eventsPerWindow = 0;
    if (perBatch != null && perBatch.count() > lastBatchCount) {
      eventsPerWindow = (perBatch.totalAmount() - lastBatchEvents) / (perBatch.count() - lastBatchCount);
      lastBatchEvents = perBatch.totalAmount();
      lastBatchCount = perBatch.count();
    }
    history.addLast(new JsonObject()
        .put("t", System.currentTimeMillis())
        .put("eventsPerSecond", Math.round(eventsPerSecond.get() * 10) / 10.0)
        .put("eventsPerWindow", eventsPerWindow)
        .put("writeLatencyMs", Math.round(writeMs * 100) / 100.0)
        .put("dbBytes", gauge("skelly.db.size"))
        .put("screenshotsInMemory", gauge("skelly.screenshots.in.memory"))
        .put("screenshotsOnDisk", gauge("skelly.screenshots.on.disk")));
    while (history.size() > HISTORY_SECONDS) {
      history.removeFirst();
    }
  }

  private double gauge(String name) {
    Gauge g = registry.find(name).gauge();
    return g == null ? 0 : g.value();
  }

  /** The dashboard's data: the last minutes of samples and the last hour of minute aggregates. */
  private void dashboard(RoutingContext ctx) {
    healthReport().onComplete(h -> vertx.executeBlocking(this::lastHourOfMinutes, false).onComplete(ar -> {
      JsonObject body = new JsonObject()
          .put("samples", new JsonArray(history.stream().toList()))
          .put("ready", readiness().report())
          .put("replication", h.result().getJsonObject("replication"));
      if (ar.succeeded()) {
        body.put("minutes", ar.result());
      } else {
        body.put("minutes", new JsonArray()).put("minutesError", ar.cause().getMessage());
      }
      json(ctx, 200, body);
    }));
  }

  private JsonArray lastHourOfMinutes() throws Exception {
    JsonArray minutes = new JsonArray();
    long since = (System.currentTimeMillis() - 3_600_000L) * 1000L;
    try (Connection c = SqliteFiles.openReader(config.databasePath());
        PreparedStatement ps = c.prepareStatement("SELECT minute_start_us, keystroke_count,"
            + " mouse_clicks, window_switches, active_time_ms, screenshot_count"
            + " FROM event_aggregates_minute WHERE minute_start_us >= ? ORDER BY minute_start_us")) {
      ps.setLong(1, since);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          minutes.add(new JsonObject().put("minute", rs.getLong(1) / 1000).put("keystrokes", rs.getLong(2))
              .put("clicks", rs.getLong(3)).put("windowSwitches", rs.getLong(4))
              .put("activeMs", rs.getLong(5)).put("screenshots", rs.getLong(6)));
        }
      }
    }
    return minutes;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sampler);
    return server == null ? Future.succeededFuture() : server.close();
  }
}
