package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk-space guard: checks the free space of the database's file system every few seconds.
 * Below {@code min_free_space_mb} it publishes {@code true} on {@code storage.internal.disk-guard}
 * — screenshot files stop being written (metadata is still stored) and readiness fails — and
 * {@code false} once space is back. Each trip is counted.
 */
public final class DiskGuardVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DiskGuardVerticle.class);
  /**
   * Every 5 s: the 500 MB default margin outlasts that at any rate a desktop writes, and each check
   * wakes a thread of Vert.x's blocking pool (at 2 s that was 0.03-0.2 % of a core while idle).
   */
  static final long CHECK_INTERVAL_MS = 5_000;

  private final StorageConfig config;
  private final Counter trips;
  private final AtomicLong freeBytes = new AtomicLong(-1);
  private boolean low;
  private long timer = -1;

  public DiskGuardVerticle(StorageConfig config, MeterRegistry registry) {
    this.config = config;
    this.trips = Counter.builder("skelly.disk.guard.trips")
        .description("Times free disk space fell below storage.min_free_space_mb").register(registry);
    io.micrometer.core.instrument.Gauge.builder("skelly.disk.free", freeBytes, AtomicLong::get)
        .baseUnit("bytes").description("Free space on the database's file system")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    return check().onSuccess(v -> schedule());
  }

  private void schedule() {
    timer = vertx.setTimer(CHECK_INTERVAL_MS, id -> check().onComplete(ar -> schedule()));
  }

  private Future<Void> check() {
    String dir = config.databasePath().getParent().toString();
    return vertx.fileSystem().fsProps(dir).map(props -> {
      long free = props.usableSpace();
      freeBytes.set(free);
      boolean nowLow = free < config.minFreeSpaceBytes();
      if (nowLow != low) {
        low = nowLow;
        if (low) {
          trips.increment();
          LOG.warn("free space on {} is {} MB, below storage.min_free_space_mb ({} MB): screenshot"
              + " files are no longer written and the module reports not ready; free some space",
              dir, free >> 20, config.minFreeSpaceBytes() >> 20);
        } else {
          LOG.info("free space on {} is back to {} MB: screenshot files are written again", dir,
              free >> 20);
        }
      }
      // Published every check, so a verticle deployed later learns the state within one interval.
      vertx.eventBus().publish(Addresses.DISK_GUARD, low);
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }
}
