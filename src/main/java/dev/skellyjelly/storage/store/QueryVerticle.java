package dev.skellyjelly.storage.store;


import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;

/**
 * Read-only queries on {@code storage.query}, through a pool of {@code database_pool_size}
 * read-only connections (never the writer's, {@link SqliteReadPool}): each query, statements and
 * decoding, runs whole on one of the pool's worker threads, so no event loop waits for it. Every
 * query has a deadline, {@code query_timeout_ms}: when it passes, the running statement is
 * interrupted, the caller gets {@code TIMEOUT}, and the connection goes back to the pool usable.
 */
public final class QueryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QueryVerticle.class);

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private SqliteReadPool pool;
  private QueryService queries;
  private long backupTimer = -1;

  public QueryVerticle(StorageConfig config, StorageMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = SqliteReadPool.open(vertx, config.databasePath(), config.databasePoolSize());
    return vertx.executeBlocking(() -> {
      try (Connection c = SqliteFiles.openReader(config.databasePath())) {
        return EncryptionAtRest.openForReading(c, config.encryption());
      }
    }, false).compose(crypto -> {
      queries = new QueryService(pool, crypto);
      return Future.all(
          vertx.eventBus().<JsonObject>consumer(Addresses.QUERY, this::onQuery).completion(),
          vertx.eventBus().consumer(Addresses.BACKUP, m -> backup().onComplete(ar -> {
            if (ar.succeeded()) {
              m.reply(new JsonObject().put("backup", ar.result().toString()));
            } else {
              m.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: backup failed: " + ar.cause().getMessage());
            }
          })).completion());
    }).onSuccess(v -> scheduleBackup());
  }

  /** A verified online backup, on a worker thread: the writer is never held up. */
  Future<java.nio.file.Path> backup() {
    return vertx.executeBlocking(() -> Backup.backup(config.databasePath(), config.backupDir(),
        config.backupKeep(), config.encryption()), false).onSuccess(p -> metrics.backupRun());
  }

  private void scheduleBackup() {
    if (!config.scheduledBackups()) {
      return;
    }
    backupTimer = vertx.setTimer(config.backupInterval().toMillis(), id -> backup().onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("scheduled backup failed: {}", ar.cause().getMessage());
      } else {
        LOG.info("scheduled backup written to {}", ar.result());
      }
      scheduleBackup();
    }));
  }

  private void onQuery(Message<JsonObject> message) {
    if (!(message.body() instanceof JsonObject)) {
      message.fail(ErrorCode.BAD_REQUEST.failureCode(), "BAD_REQUEST: send a JSON object such as"
          + " {\"type\": \"events\", \"from\": ..., \"to\": ...}");
      return;
    }
    query(message.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof ReplyException re) {
        message.fail(re.failureCode(), re.getMessage());
      } else {
        message.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: " + ar.cause().getMessage());
      }
    });
  }

  /**
   * Runs one query with its deadline — {@code query_timeout_ms}, or the query's own shorter
   * {@code timeoutMs} — failures carry the bus failure code.
   */
  Future<JsonObject> query(JsonObject q) {
    long timeoutMs;
    try {
      timeoutMs = deadlineMs(q);
    } catch (IllegalArgumentException e) {
      return fail(ErrorCode.BAD_REQUEST, e.getMessage());
    }
    String scope = q.getString("scope", "local");
    if ("all".equals(scope)) {
      return shared(q.copy().put("timeoutMs", timeoutMs), timeoutMs);
    } else if (!"local".equals(scope)) {
      return fail(ErrorCode.BAD_REQUEST, "parameter 'scope' = '" + scope + "' must be local (this"
          + " device, the default) or all (every device, from PostgreSQL)");
    }
    Deadline deadline = Deadline.in(timeoutMs);
    return queries.query(q, deadline).transform(ar -> {
      if (ar.succeeded()) {
        if (ar.result() == null) {
          return fail(ErrorCode.NOT_FOUND, "nothing found for " + q.encode());
        }
        io.vertx.core.json.JsonArray errors = ar.result().getJsonArray("errors");
        if (errors != null) {
          metrics.unreadableBlocks(errors.size());
          LOG.error("query skipped unreadable blocks: {}", errors.encode());
        }
        return Future.succeededFuture(ar.result());
      }
      Throwable err = ar.cause();
      if (err instanceof EventReader.StaleCursorException) {
        return fail(ErrorCode.STALE_CURSOR, err.getMessage());
      }
      if (err instanceof IllegalArgumentException) {
        return fail(ErrorCode.BAD_REQUEST, err.getMessage());
      }
      ErrorCode code = ErrorCode.of(err, ErrorCode.DATABASE);
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.failureCode(),
          err instanceof dev.skellyjelly.storage.bus.StorageException ? err.getMessage()
              : code.name() + ": " + err.getMessage()));
    });
  }

  /** A query across devices, answered from PostgreSQL by the replication room. */
  private Future<JsonObject> shared(JsonObject q, long timeoutMs) {
    if (!config.postgres().enabled()) {
      return fail(ErrorCode.BAD_REQUEST, "scope=all reads the shared PostgreSQL store, and this module"
          + " does not replicate to one: set [postgres] enabled = true (see conf/storage.toml)");
    }
    return vertx.eventBus().<JsonObject>request(Addresses.QUERY_SHARED, q,
        new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(timeoutMs + 5_000))
        .map(Message::body);
  }

  /** The configured deadline, or the query's {@code timeoutMs} when it asks for a shorter one. */
  private long deadlineMs(JsonObject q) {
    long configured = config.queryTimeout().toMillis();
    Object asked = q.getValue("timeoutMs");
    if (asked == null) {
      return configured;
    }
    try {
      long ms = asked instanceof Number n ? n.longValue() : Long.parseLong(asked.toString());
      if (ms >= 1) {
        return Math.min(ms, configured);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("parameter 'timeoutMs' = " + asked + " must be a whole number of"
        + " milliseconds ≥ 1 (at most storage.query_timeout_ms = " + configured + " applies)");
  }

  private static Future<JsonObject> fail(ErrorCode code, String message) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.failureCode(),
        code.name() + ": " + message));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(backupTimer);
    return pool.close();
  }
}
