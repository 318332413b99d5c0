package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.retry.CircuitBreaker;
import dev.skellyjelly.storage.retry.RetryBackoff;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.DeviceKeys;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships what committed locally into PostgreSQL, offline-first: SQLite stays the durable store, and
 * this verticle follows it from per-table watermarks, a batch at a time, each batch one PostgreSQL
 * transaction ({@link PgShipper}). It reads SQLite on its own read-only connection and thread, so
 * ingest never waits for it, and wakes after every local commit (and once a second, for merges).
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
  /** Partitions of today and the next days exist before any row needs them. */
  private static final int PARTITION_DAYS_AHEAD = 2;
  /** Failures in a row after which the breaker opens and attempts wait for a probe. */
  static final int FAILURES_TO_OPEN = 3;

  private final StorageConfig config;
  private final MeterRegistry registry;
  private final StorageClock clock;
  private final CircuitBreaker breaker;
  private ReplicationMetrics metrics;
  private WorkerExecutor reader;
  private Connection readConnection;
  private LocalChanges changes;
  private Pool pool;
  private PgPartitions partitions;
  private PgShipper shipper;
  private UUID device;
  private Watermarks marks = new Watermarks();

  private boolean busy;
  private boolean schemaReady;
  private boolean registered;
  private DeviceKeys registeredKeys;
  private boolean refused;
  private long pollTimer = -1;
  private long retryTimer = -1;
  private long retentionTimer = -1;
  private long pendingEvents = -1; // unknown until the first read
  private long pendingBlocks;
  private long committedSinceRead;
  private long caughtUpAtMicros;
  private long lastSuccessMicros;
  private String lastError;
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(long afterNanos, Promise<Boolean> done) {
  }

  /** One read of the local database: its key material and the next batch. */
  private record LocalRead(DeviceKeys keys, LocalChanges.Batch batch) {
  }

  public ReplicationVerticle(StorageConfig config, MeterRegistry registry, StorageClock clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.breaker = new CircuitBreaker(FAILURES_TO_OPEN, new RetryBackoff(Duration.ofMillis(500),
        Duration.ofSeconds(10), RetryBackoff.NO_HORIZON, RetryBackoff::randomBelow));
  }

  @Override
  public Future<?> start() {
    metrics = new ReplicationMetrics(registry, () -> refused ? 3 : breaker.state().ordinal());
    caughtUpAtMicros = clock.wallMicros();
    reader = vertx.createSharedWorkerExecutor("skelly-replication-reader", 1);
    StorageConfig.Postgres pg = config.postgres();
    return deviceId()
        .compose(id -> {
          device = id;
          return reader.executeBlocking(() -> {
            readConnection = SqliteFiles.openReader(config.databasePath());
            changes = new LocalChanges(readConnection);
            marks = Watermarks.fromSettings(settings(readConnection, Watermarks.PREFIX));
            return PgClients.pool(vertx, pg);
          }, false);
        })
        .compose(p -> {
          pool = p;
          partitions = new PgPartitions(pool);
          shipper = new PgShipper(pool, partitions, device);
          var bus = vertx.eventBus();
          return Future.all(
              bus.<JsonObject>localConsumer(Addresses.WRITE_COMMITTED, m -> {
                committedSinceRead += m.body().getLong("events", 0L);
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

  static Map<String, String> settings(Connection c, String prefix) throws java.sql.SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM settings WHERE key >= ? AND key < ?")) {
      ps.setString(1, prefix);
      ps.setString(2, prefix + '\uffff');
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
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
    if (busy || refused || !breaker.tryAcquire(nowMs())) {
      return;
    }
    busy = true;
    long readNanos = clock.monotonicNanos();
    long readMicros = clock.wallMicros();
    prepare()
        .compose(v -> {
          committedSinceRead = 0;
          return reader.executeBlocking(() -> {
            // The keys are read before the batch: blocks sealed under a new key reach PostgreSQL after it.
            DeviceKeys keys = DeviceKeys.read(readConnection);
            return new LocalRead(keys, changes.next(marks, config.postgres().batchEvents()));
          }, false);
        })
        .compose(read -> {
          LocalChanges.Batch batch = read.batch();
          pendingEvents = batch.pendingEvents(); // known now, even if shipping fails
          pendingBlocks = batch.pendingBlocks();
          return register(read.keys())
              .compose(v -> batch.isEmpty() ? Future.<Void>succeededFuture() : shipper.ship(batch)).map(batch);
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

  /** Once per connection spell: schema migrated, partitions ahead. */
  private Future<Void> prepare() {
    if (schemaReady) {
      return Future.succeededFuture();
    }
    return PgSchema.migrate(pool)
        .compose(v -> partitions.ensureAhead(clock.wallMicros(), PARTITION_DAYS_AHEAD))
        .onSuccess(v -> schemaReady = true);
  }

  /**
   * Registers the device once per connection spell, and again whenever its wrapped data keys
   * changed locally (a rotation, a re-encryption), so other devices can open what it ships.
   */
  private Future<Void> register(DeviceKeys keys) {
    if (registered && Objects.equals(keys, registeredKeys)) {
      return Future.succeededFuture();
    }
    return PgDevices.register(pool, device, config.device().name(), keys).onSuccess(v -> {
      registered = true;
      registeredKeys = keys;
    });
  }

  private void onShipped(LocalChanges.Batch batch, long readNanos, long readMicros) {
    breaker.onSuccess();
    if (lastError != null) {
      LOG.info("replication to PostgreSQL resumed after: {}", lastError);
      lastError = null;
      saveSettings(new JsonObject().put("replication.last_error", ""));
    }
    lastSuccessMicros = clock.wallMicros();
    boolean more = false;
    if (!batch.isEmpty()) {
      marks = batch.marks();
      metrics.shipped(batch);
      saveSettings(marks.toSettings());
      more = batch.pendingEvents() > batch.events() || batch.pendingBlocks() > batch.blocks().size()
          || batch.cut();
    }
    pendingEvents = batch.pendingEvents() - batch.events();
    pendingBlocks = batch.pendingBlocks() - batch.blocks().size();
    if (!more) {
      caughtUpAtMicros = readMicros;
      releaseWaiters(readNanos);
    }
    updateLag();
    if (more || committedSinceRead > 0 || !waiters.isEmpty()) {
      vertx.runOnContext(v -> wake()); // a waiter needs a read that started after it came
    }
  }

  private void onFailure(Throwable err) {
    metrics.failed();
    schemaReady = false;
    registered = false;
    partitions.forgetAll();
    String message = PgErrors.describe(err, config.postgres());
    if (PgErrors.permanent(err)) {
      refused = true;
      LOG.error("replication stopped: {}", message);
    } else {
      long delay = breaker.onFailure(nowMs());
      if (!message.equals(lastError)) {
        LOG.error("replication paused: {}; retrying with backoff (next in {} ms), local capture goes on",
            message, delay);
      } else {
        LOG.debug("replication still failing: {}; next attempt in {} ms", message, delay);
      }
      vertx.cancelTimer(retryTimer);
      retryTimer = vertx.setTimer(delay + 1, id -> wake());
    }
    if (!message.equals(lastError)) {
      lastError = message;
      saveSettings(new JsonObject().put("replication.last_error", message));
    }
    updateLag();
  }

  private void updateLag() {
    long pending = Math.max(0, pendingEvents) + committedSinceRead;
    long lagMs = pending == 0 ? 0 : Math.max(0, (clock.wallMicros() - caughtUpAtMicros) / 1000);
    metrics.lag(lagMs, pending);
  }

  /** Watermarks and the last error go to the local settings through the writer (the only writer). */
  private void saveSettings(JsonObject values) {
    vertx.eventBus().request(Addresses.WRITE_SETTINGS, new JsonObject().put("set", values))
        .onFailure(err -> LOG.warn("cannot record replication progress locally ({}); it is shipped again"
            + " after a restart, which is harmless", err.getMessage()));
  }

  private void releaseWaiters(long readNanos) {
    waiters.removeIf(w -> {
      if (w.afterNanos() <= readNanos) {
        w.done().tryComplete(true);
        return true;
      }
      return false;
    });
  }

  /** Completes with true once everything committed before now is in PostgreSQL, false at the deadline. */
  Future<Boolean> waitCaughtUp(long deadlineMs) {
    Promise<Boolean> done = Promise.promise();
    waiters.add(new Waiter(clock.monotonicNanos(), done));
    long timer = vertx.setTimer(Math.max(1, deadlineMs), id -> done.tryComplete(false));
    wake();
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void onStatus(Message<JsonObject> message) {
    long waitMs = message.body() == null ? 0 : message.body().getLong("waitMs", 0L);
    Future<Boolean> ready = waitMs > 0 ? waitCaughtUp(waitMs) : Future.succeededFuture(pendingEvents == 0);
    ready.onComplete(ar -> message.reply(status().put("caughtUp", ar.succeeded() && ar.result()),
        new DeliveryOptions()));
  }

  /** What /health, the status command and the stop report show. */
  JsonObject status() {
    updateLag();
    String state = refused ? "stopped" : lastError != null ? "backing-off"
        : pendingEvents == 0 && committedSinceRead == 0 ? "caught-up" : "replicating";
    JsonObject tables = new JsonObject();
    marks.blocks().forEach((table, rowid) -> tables.put(table, rowid));
    return new JsonObject()
        .put("enabled", true)
        .put("device", device == null ? null : device.toString())
        .put("deviceName", config.device().name())
        .put("server", config.postgres().toString())
        .put("state", state)
        .put("breaker", refused ? "STOPPED" : breaker.state().name())
        .put("lagSeconds", registryLagSeconds())
        .put("lagEvents", metrics.lagEvents.get())
        .put("pendingBlocks", Math.max(0, pendingBlocks))
        .put("batches", (long) metrics.batches())
        .put("failures", (long) metrics.failures())
        .put("lastError", lastError)
        .put("lastSuccessMicros", lastSuccessMicros == 0 ? null : lastSuccessMicros)
        .put("watermarks", tables);
  }

  private double registryLagSeconds() {
    long pending = Math.max(0, pendingEvents) + committedSinceRead;
    return pending == 0 ? 0 : Math.max(0, (clock.wallMicros() - caughtUpAtMicros) / 1e6);
  }

  /** PostgreSQL retention: whole partitions past the same *_retention_days as the local store. */
  private void scheduleRetention(long delayMs) {
    retentionTimer = vertx.setTimer(delayMs, id -> {
      Future<?> run = schemaReady ? retention(clock.wallMicros()) : Future.succeededFuture();
      run.onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("PostgreSQL retention failed, retried in an hour: {}",
              PgErrors.describe(ar.cause(), config.postgres()));
        }
        scheduleRetention(schemaReady ? RETENTION_EVERY_MS : POLL_MS * 30);
      });
    });
  }

  /** Drops expired partitions and creates the coming ones; returns the names dropped. */
  Future<List<String>> retention(long nowMicros) {
    return new PgRetention(partitions, config).run(nowMicros)
        .compose(dropped -> partitions.ensureAhead(nowMicros, PARTITION_DAYS_AHEAD).map(dropped))
        .onSuccess(dropped -> {
          if (!dropped.isEmpty()) {
            LOG.info("PostgreSQL retention dropped partitions {}", dropped);
          }
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(retentionTimer);
    long deadlineMs = config.postgres().stopDeadline().toMillis();
    Future<Boolean> caughtUp = deadlineMs == 0 || refused ? Future.succeededFuture(pendingEvents == 0)
        : vertx.eventBus().request(Addresses.WRITE_FLUSH, null)
            .transform(ar -> waitCaughtUp(deadlineMs));
    return caughtUp.compose(done -> {
      if (done) {
        LOG.info("replication caught up before stopping: PostgreSQL holds everything committed");
      } else {
        JsonObject s = status();
        LOG.warn("replication did not catch up within postgres.stop_deadline_seconds ({} s): {} events are not"
            + " in PostgreSQL yet; they are kept locally and shipped at the next start{}", deadlineMs / 1000.0,
            status().getLong("lagEvents"), lastError == null ? "" : " (last error: " + lastError + ")");
      }
      vertx.cancelTimer(retryTimer);
      return pool == null ? Future.succeededFuture() : pool.close();
    }).eventually(() -> reader.executeBlocking(() -> {
      if (readConnection != null) {
        readConnection.close();
      }
      return null;
    }, false)).eventually(() -> reader.close());
  }
}
