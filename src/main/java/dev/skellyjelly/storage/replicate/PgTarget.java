package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.DeviceKeys;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL side of replication for one connection spell: the schema migrated and the
 * partitions made ahead once, the device registered again whenever its keys change, then batches
 * shipped, and retention. A failure ends the spell ({@link #endSpell}): the next attempt does it
 * all again, since the server may have been replaced or restored meanwhile.
 */
final class PgTarget {

  private static final Logger LOG = LoggerFactory.getLogger(PgTarget.class);
  /** Partitions of today and the next days exist before any row needs them. */
  private static final int PARTITION_DAYS_AHEAD = 2;

  private final Pool pool;
  private final UUID device;
  private final PgPartitions partitions;
  private final PgShipper shipper;
  private final StorageConfig config;
  private boolean schemaReady;
  private boolean registered;
  private DeviceKeys registeredKeys;

  PgTarget(Pool pool, UUID device, StorageConfig config) {
    this.pool = pool;
    this.device = device;
    this.partitions = new PgPartitions(pool);
    this.shipper = new PgShipper(pool, partitions, device);
    this.config = config;
  }

  /** Once per spell: schema migrated, partitions ahead. */
  Future<Void> prepare(long nowMicros) {
    if (schemaReady) {
      return Future.succeededFuture();
    }
    return PgSchema.migrate(pool)
        .compose(v -> partitions.ensureAhead(nowMicros, PARTITION_DAYS_AHEAD))
        .onSuccess(v -> schemaReady = true);
  }

  /** Ships {@code batch} (nothing if empty) after registering the device with {@code keys} if need be. */
  Future<Void> ship(DeviceKeys keys, LocalChanges.Batch batch) {
    return register(keys).compose(v -> batch.isEmpty() ? Future.succeededFuture() : shipper.ship(batch));
  }

  /**
   * Registers the device once per spell, and again whenever its wrapped data keys changed locally
   * (a rotation, a re-encryption), so other devices can open what it ships.
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

  /** After a failure: nothing known of the server is trusted any more. */
  void endSpell() {
    schemaReady = false;
    registered = false;
    partitions.forgetAll();
  }

  /** Whether this spell has the schema ready (retention waits for it). */
  boolean ready() {
    return schemaReady;
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

  Future<Void> close() {
    return pool.close();
  }
}
