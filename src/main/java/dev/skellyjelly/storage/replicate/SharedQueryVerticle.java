package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.Deadline;
import dev.skellyjelly.storage.store.EventReader;
import dev.skellyjelly.storage.store.QueryService;
import dev.skellyjelly.storage.store.ReadSession;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Read-only queries across every device ({@code scope=all}), answered from the shared PostgreSQL
 * by the local store's {@link QueryService} in the PostgreSQL dialect, with the same parameters,
 * pages and deadlines: {@code events} (each device's sealed blocks opened with its keys,
 * {@link DeviceCryptos}), {@code aggregates} summed over devices, {@code windows}. Each query runs
 * in a read-only transaction whose {@code statement_timeout} is the query's deadline. The local
 * query verticle forwards {@code scope=all} queries here.
 */
public final class SharedQueryVerticle extends VerticleBase {

  private final StorageConfig config;
  private SharedReadPool pool;
  private QueryService queries;

  public SharedQueryVerticle(StorageConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> PgClients.pool(vertx, config.postgres()), false)
        .compose(p -> {
          pool = new SharedReadPool(p);
          queries = QueryService.shared(pool, new DeviceCryptos(vertx, config.encryption()));
          return vertx.eventBus().<JsonObject>localConsumer(Addresses.QUERY_SHARED, this::onQuery).completion();
        });
  }

  private void onQuery(Message<JsonObject> m) {
    JsonObject q = m.body();
    Deadline deadline = Deadline.in(q.getLong("timeoutMs", config.queryTimeout().toMillis()));
    queries.read(deadline, true, s -> run(s, q, deadline)).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
        return;
      }
      Throwable err = ar.cause();
      if (err instanceof IllegalArgumentException) {
        m.fail(ErrorCode.BAD_REQUEST.failureCode(), "BAD_REQUEST: " + err.getMessage());
      } else if (err instanceof EventReader.StaleCursorException) {
        m.fail(ErrorCode.STALE_CURSOR.failureCode(), "STALE_CURSOR: " + err.getMessage());
      } else if (err instanceof StorageException se) {
        m.fail(se.code().failureCode(), se.getMessage());
      } else {
        m.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: scope=all is answered from PostgreSQL, which failed: "
            + PgErrors.describe(err, config.postgres()));
      }
    });
  }

  private Future<JsonObject> run(ReadSession c, JsonObject q, Deadline deadline) {
    String type = q.getString("type");
    return switch (String.valueOf(type)) {
      case "events", "aggregates", "windows" -> queries.run(c, q, deadline);
      default -> Future.failedFuture(new IllegalArgumentException("parameter 'type' = '" + type
          + "' is not one of events, aggregates, windows (what scope=all answers)"));
    };
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
