package dev.skellyjelly.storage.status;

import dev.skellyjelly.storage.metrics.HeapBudget;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.ProcessGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module's state on the bus: liveness and readiness (each failing check named) at
 * {@code storage.health}, and the per-second figures of the dashboard (events/s as an
 * exponential moving average, events per window, write latency), sampled once a second and
 * answered at {@code storage.internal.status.samples}.
 */
public final class StatusVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StatusVerticle.class);
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
  private long sampler = -1;
  /** Meters the sampler reads, kept once registered: a registry search scans every meter. */
  private final Map<String, Object> meters = new HashMap<>();

  public StatusVerticle(StorageConfig config, MeterRegistry registry, ModuleStatus status) {
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
    bus.<JsonObject>localConsumer(Addresses.STATUS_SAMPLES, m -> m.reply(new JsonObject()
        .put("samples", new JsonArray(history.stream().toList()))));
    lastSampleNanos = System.nanoTime();
    sampler = vertx.setPeriodic(1000, id -> sample());
    return bus.<JsonObject>request(Addresses.DATABASE_INTEGRITY, null)
        .onSuccess(m -> integrity = m.body())
        .compose(v -> bus.<JsonObject>consumer(Addresses.HEALTH, m -> health().onComplete(ar -> m.reply(ar.result())))
            .completion());
  }

  /**
   * Liveness and readiness, with replication's state when {@code [postgres]} is on. Replication is
   * not needed for capture, so it never turns readiness red; it is reported for the operator.
   */
  private Future<JsonObject> health() {
    JsonObject body = readiness().report().put("live", true).put("integrity", integrity);
    if (!config.postgres().enabled()) {
      return Future.succeededFuture(body);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.REPLICATION_STATUS, new JsonObject(),
            new DeliveryOptions().setSendTimeout(2_000))
        .map(m -> body.put("replication", m.body()))
        .otherwise(err -> body.put("replication", new JsonObject().put("enabled", true)
            .put("state", "unknown").put("lastError", "no answer from replication: " + err.getMessage())));
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

  /** Once a second: the moving figures of the dashboard and the events/s gauge. */
  private void sample() {
    heapBudget.check(HeapBudget.liveBytes()).ifPresent(LOG::warn);
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
    lastSampleNanos = now;
    Collection<Counter> receivedCounters = meter("skelly.events.received",
        search -> search.counters().isEmpty() ? null : search.counters());
    double received = receivedCounters == null ? 0
        : receivedCounters.stream().mapToDouble(Counter::count).sum();
    double rate = (received - lastReceived) / seconds;
    lastReceived = received;
    double ema = EMA_ALPHA * rate + (1 - EMA_ALPHA) * eventsPerSecond.get();
    eventsPerSecond.set(ema < 1e-3 ? 0.0 : ema);

    Timer write = meter("skelly.db.write.latency", Search::timer);
    double writeMs = 0;
    if (write != null && write.count() > lastWriteCount) {
      double total = write.totalTime(TimeUnit.SECONDS);
      writeMs = (total - lastWriteSeconds) / (write.count() - lastWriteCount) * 1000;
      lastWriteSeconds = total;
      lastWriteCount = write.count();
    }
    DistributionSummary perBatch = meter("skelly.batch.events", Search::summary);
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
    Gauge g = meter(name, Search::gauge);
    return g == null ? 0 : g.value();
  }

  /** The meter {@code pick} finds under {@code name}, searched for until it is registered. */
  @SuppressWarnings("unchecked")
  private <T> T meter(String name, Function<Search, T> pick) {
    Object m = meters.get(name);
    if (m == null) {
      m = pick.apply(registry.find(name));
      if (m != null) {
        meters.put(name, m);
      }
    }
    return (T) m;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sampler);
    return Future.succeededFuture();
  }
}
