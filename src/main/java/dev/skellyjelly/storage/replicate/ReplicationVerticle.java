package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.retry.CircuitBreaker;
import dev.skellyjelly.storage.retry.RetryBackoff;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.config.StorageConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships what committed locally into PostgreSQL, offline-first: SQLite stays the durable store, and
 * this verticle follows it from per-table watermarks, a batch at a time, each batch one PostgreSQL
 * transaction. It wires three parts to timers and the bus: the {@link LocalReader} (its own
 * connection and thread, so ingest never waits for it), the {@link PgTarget} and the
 * {@link ReplicationProgress}; it wakes after every local commit (and once a second, for merges).
 *
 * <p>PostgreSQL down, slow or refusing: the failure is logged once as one line naming the
 * {@code [postgres]} key and the server's answer, and attempts back off with jitter behind a
 * {@link CircuitBreaker}; since watermarks move only after a commit in PostgreSQL, replication
 * resumes where it stopped and loses nothing, and an idempotent batch shipped twice duplicates
 * nothing. A schema from a newer build stops replication for good (until restart).
 *
 * <p>On a clean stop it asks the writer to commit what it holds and waits, up to
 * {@code postgres.stop_deadline_seconds}, for PostgreSQL to catch up, then says what is pending.
 */
public final class ReplicationVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicationVerticle.class);
  private static final long POLL_MS = 1_000;
  private static final long RETENTION_EVERY_MS = 3_600_000;
  /** Failures in a row after which the breaker opens and attempts wait for a probe. */
  static final int FAILURES_TO_OPEN = 3;

  private final StorageConfig config;
  private final MeterRegistry registry;
  private final StorageClock clock;
  private final CircuitBreaker breaker;
  private ReplicationMetrics metrics;
  private ReplicationProgress progress;
  private LocalReader local;
  private PgTarget target;
  private UUID device;
  private Watermarks marks = new Watermarks();

  private boolean busy;
  private long pollTimer = -1;
  private long retryTimer = -1;
  private long retentionTimer = -1;
  private CatchUpWaiters waiters;

  public ReplicationVerticle(StorageConfig config, MeterRegistry registry, StorageClock clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.breaker = new CircuitBreaker(FAILURES_TO_OPEN, new RetryBackoff(Duration.ofMillis(500),
        Duration.ofSeconds(10), RetryBackoff.NO_HORIZON, RetryBackoff::randomBelow));
  }

  @Override
  public Future<?> start() {
    progress = new ReplicationProgress(clock.wallMicros());
    metrics = new ReplicationMetrics(registry, () -> progress.refused() ? 3 : breaker.state().ordinal());
    local = new LocalReader(vertx, config.databasePath());
    waiters = new CatchUpWaiters(vertx);
    StorageConfig.Postgres pg = config.postgres();
    return deviceId()
        .compose(id -> {
          device = id;
          return local.open();
        })
        .compose(stored -> {
          marks = stored;
          return vertx.executeBlocking(() -> PgClients.pool(vertx, pg), false); // reads password_file
        })
        .compose(pool -> {
          target = new PgTarget(pool, device, config);
          var bus = vertx.eventBus();
          return Future.all(
              bus.<JsonObject>localConsumer(Addresses.WRITE_COMMITTED, m -> {
                progress.committed(m.body().getLong("events", 0L));
                wake();
              }).completion(),
              bus.<JsonObject>localConsumer(Addresses.REPLICATION_STATUS, this::onStatus).completion());
        })
        .onSuccess(v -> {
          LOG.info("replication to PostgreSQL {} as device {} ({})", pg, device, config.device().name());
          poll();
          scheduleRetention(1);
        });
  }

  /** {@code storage.device_id}, or the id generated once and kept in the local settings. */
  private Future<UUID> deviceId() {
    if (!config.device().id().isEmpty()) {
      return Future.succeededFuture(UUID.fromString(config.device().id()));
    }
    JsonObject request = new JsonObject().put("setIfAbsent",
        new JsonObject().put("device_id", UUID.randomUUID().toString()));
    return vertx.eventBus().<JsonObject>request(Addresses.WRITE_SETTINGS, request)
        .map(reply -> UUID.fromString(reply.body().getString("device_id")));
  }

  private void poll() {
    pollTimer = vertx.setTimer(POLL_MS, id -> {
      wake();
      poll();
    });
  }

  private long nowMs() {
    return clock.monotonicNanos() / 1_000_000L;
  }

  /** Ships the next batch unless one is in flight or the breaker says wait. */
  private void wake() {
    if (busy || progress.refused() || !breaker.tryAcquire(nowMs())) {
      return;
    }
    busy = true;
    long readNanos = clock.monotonicNanos();
    long readMicros = clock.wallMicros();
    target.prepare(readMicros)
        .compose(v -> {
          progress.readStarted();
          return local.next(marks, config.postgres().batchEvents());
        })
        .compose(read -> {
          progress.read(read.batch());
          return target.ship(read.keys(), read.batch()).map(read.batch());
        })
        .onComplete(ar -> {
          busy = false;
          if (ar.succeeded()) {
            onShipped(ar.result(), readNanos, readMicros);
          } else {
            onFailure(ar.cause());
          }
        });
  }

  private void onShipped(LocalChanges.Batch batch, long readNanos, long readMicros) {
    breaker.onSuccess();
    String resolved = progress.recovered();
    if (resolved != null) {
      LOG.info("replication to PostgreSQL resumed after: {}", resolved);
      saveSettings(new JsonObject().put("replication.last_error", ""));
    }
    if (!batch.isEmpty()) {
      marks = batch.marks();
      metrics.shipped(batch);
      saveSettings(marks.toSettings());
    }
    boolean more = progress.shipped(batch, readMicros, clock.wallMicros());
    if (!more) {
      waiters.caughtUp(readNanos);
    }
    updateLag();
    if (more || progress.committedSinceRead() || !waiters.isEmpty()) {
      vertx.runOnContext(v -> wake()); // a waiter needs a read that started after it came
    }
  }

  private void onFailure(Throwable err) {
    metrics.failed();
    target.endSpell();
    String message = PgErrors.describe(err, config.postgres());
    String before = progress.lastError();
    boolean newMessage = progress.failed(message);
    if (PgErrors.permanent(err)) {
      progress.refuse();
      LOG.error("replication stopped: {}", message);
    } else {
      long delay = breaker.onFailure(nowMs());
      if (!message.equals(before)) {
        LOG.error("replication paused: {}; retrying with backoff (next in {} ms), local capture goes on",
            message, delay);
      } else {
        LOG.debug("replication still failing: {}; next attempt in {} ms", message, delay);
      }
      vertx.cancelTimer(retryTimer);
      retryTimer = vertx.setTimer(delay + 1, id -> wake());
    }
    if (newMessage) {
      saveSettings(new JsonObject().put("replication.last_error", message));
    }
    updateLag();
  }

  private void updateLag() {
    metrics.lag(progress.lagMicros(clock.wallMicros()) / 1000, progress.lagEvents());
  }

  /** Watermarks and the last error go to the local settings through the writer (the only writer). */
  private void saveSettings(JsonObject values) {
    vertx.eventBus().request(Addresses.WRITE_SETTINGS, new JsonObject().put("set", values))
        .onFailure(err -> LOG.warn("cannot record replication progress locally ({}); it is shipped again"
            + " after a restart, which is harmless", err.getMessage()));
  }

  /** Completes with true once everything committed before now is in PostgreSQL, false at the deadline. */
  Future<Boolean> waitCaughtUp(long deadlineMs) {
    Future<Boolean> done = waiters.add(clock.monotonicNanos(), deadlineMs);
    wake();
    return done;
  }

  private void onStatus(Message<JsonObject> message) {
    long waitMs = message.body() == null ? 0 : message.body().getLong("waitMs", 0L);
    Future<Boolean> ready = waitMs > 0 ? waitCaughtUp(waitMs) : Future.succeededFuture(progress.caughtUp());
    ready.onComplete(ar -> message.reply(status().put("caughtUp", ar.succeeded() && ar.result()),
        new DeliveryOptions()));
  }

  /** What /health, the status command and the stop report show. */
  JsonObject status() {
    updateLag();
    JsonObject tables = new JsonObject();
    marks.blocks().forEach((table, rowid) -> tables.put(table, rowid));
    return new JsonObject()
        .put("enabled", true)
        .put("device", device == null ? null : device.toString())
        .put("deviceName", config.device().name())
        .put("server", config.postgres().toString())
        .put("breaker", progress.refused() ? "STOPPED" : breaker.state().name())
        .put("batches", (long) metrics.batches())
        .put("failures", (long) metrics.failures())
        .put("watermarks", tables)
        .mergeIn(progress.toJson(clock.wallMicros()));
  }

  /** PostgreSQL retention: whole partitions past the same *_retention_days as the local store. */
  private void scheduleRetention(long delayMs) {
    retentionTimer = vertx.setTimer(delayMs, id -> {
      Future<?> run = target.ready() ? target.retention(clock.wallMicros()) : Future.succeededFuture();
      run.onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("PostgreSQL retention failed, retried in an hour: {}",
              PgErrors.describe(ar.cause(), config.postgres()));
        }
        scheduleRetention(target.ready() ? RETENTION_EVERY_MS : POLL_MS * 30);
      });
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(retentionTimer);
    long deadlineMs = config.postgres().stopDeadline().toMillis();
    Future<Boolean> caughtUp = deadlineMs == 0 || progress.refused() ? Future.succeededFuture(progress.caughtUp())
        : vertx.eventBus().request(Addresses.WRITE_FLUSH, null)
            .transform(ar -> waitCaughtUp(deadlineMs));
    return caughtUp.compose(done -> {
      if (done) {
        LOG.info("replication caught up before stopping: PostgreSQL holds everything committed");
      } else {
        String lastError = progress.lastError();
        LOG.warn("replication did not catch up within postgres.stop_deadline_seconds ({} s): {} events are not"
            + " in PostgreSQL yet; they are kept locally and shipped at the next start{}", deadlineMs / 1000.0,
            progress.lagEvents(), lastError == null ? "" : " (last error: " + lastError + ")");
      }
      vertx.cancelTimer(retryTimer);
      return target == null ? Future.succeededFuture() : target.close();
    }).eventually(() -> local.close());
  }
}
