package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the database, deployed as a <em>worker</em> verticle: its handlers run one
 * at a time on a worker thread, which owns the single JDBC connection (as ActivityWatch's
 * datastore worker owns its own). It wires the write addresses to the {@link EventStore}'s
 * staging and the {@link GroupCommit}, and runs housekeeping ({@link MaintenanceJobs}) on the
 * same thread between commits, when {@link MaintenanceScheduler} says.
 */
public final class WriterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);

  private static final long ROLLUP_EVERY_MS = 60_000;
  private static final long RETENTION_EVERY_MS = 3_600_000;
  /** Compaction deferred by busy ingest is tried again this soon ... */
  private static final long COMPACT_BUSY_RETRY_MS = 5_000;
  /** ... and runs anyway once it has waited this long. */
  private static final long COMPACT_MAX_DEFER_MS = 15 * 60_000;

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private MaintenanceJobs jobs;
  private MaintenanceScheduler scheduler;
  private GroupCommit groupCommit;
  private EventStore store;
  private DatabaseLock lock;
  private JsonObject integrity;

  public WriterVerticle(StorageConfig config, StorageMetrics metrics, StorageClock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() throws Exception {
    WriterStartup.Opened opened = WriterStartup.open(config);
    lock = opened.lock();
    store = opened.store();
    integrity = opened.integrity();
    jobs = new MaintenanceJobs(store, config, metrics, clock, this::updateDatabaseSize);
    groupCommit = new GroupCommit(vertx, store, config, metrics, clock, this::updateDatabaseSize);
    updateDatabaseSize();
    scheduleMaintenance();
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.WRITE_MAINTENANCE, m -> {
          try {
            m.reply(jobs.run(MaintenanceJobs.Job.named(m.body().getString("task", ""))));
          } catch (SQLException | RuntimeException e) {
            m.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: maintenance failed: " + e.getMessage());
          }
        }).completion(),
        bus.<JsonObject>localConsumer(Addresses.WRITE_SETTINGS, m -> {
          try {
            m.reply(Settings.apply(store.connection(), m.body()));
          } catch (SQLException | RuntimeException e) {
            m.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: cannot write settings: " + e.getMessage());
          }
        }).completion(),
        bus.<IngestChunk>localConsumer(Addresses.WRITE_EVENTS, this::onEvents).completion(),
        bus.localConsumer(Addresses.DATABASE_INTEGRITY, m -> m.reply(integrity.copy())).completion(),
        bus.<WindowRecord>localConsumer(Addresses.WRITE_WINDOW, m -> {
          store.stageWindow(m.body());
          groupCommit.staged(m);
        }).completion(),
        bus.<ScreenshotMetadata>localConsumer(Addresses.WRITE_SCREENSHOT_METADATA, m -> {
          store.stageScreenshot(m.body());
          groupCommit.staged(m);
        }).completion(),
        bus.<MaskingRecorded>localConsumer(Addresses.WRITE_SCREENSHOT_MASKING, m -> {
          store.stageMasking(m.body());
          groupCommit.staged(m);
        }).completion(),
        bus.localConsumer(Addresses.WRITE_FLUSH, groupCommit::flushFor).completion()));
  }

  private void onEvents(Message<IngestChunk> message) {
    try {
      int duplicates = store.stage(message.body().events());
      if (duplicates > 0) {
        metrics.duplicates(duplicates);
      }
    } catch (RuntimeException e) {
      message.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: cannot check stored sequences: "
          + e.getMessage());
      return;
    }
    groupCommit.staged(message, message.body().commitNow());
  }

  /**
   * Rollups, retention and merging on their intervals; compaction on its interval too, but only
   * when nothing is waiting to be written (deferred, at most {@link #COMPACT_MAX_DEFER_MS}).
   */
  private void scheduleMaintenance() {
    scheduler = new MaintenanceScheduler(new MaintenanceScheduler.Timers() {
      @Override
      public long set(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    }, () -> clock.monotonicNanos() / 1_000_000, store::hasStagedWork, COMPACT_BUSY_RETRY_MS,
        COMPACT_MAX_DEFER_MS);
    scheduler.every("rollup", ROLLUP_EVERY_MS, () -> step(MaintenanceJobs.Job.ROLLUP));
    scheduler.every("retention", RETENTION_EVERY_MS, () -> step(MaintenanceJobs.Job.RETENTION));
    scheduler.every("merge", config.mergeInterval().toMillis(), () -> step(MaintenanceJobs.Job.MERGE));
    scheduler.everyWhenQuiet("compact", Math.max(60_000, config.compactionInterval().toMillis()),
        () -> step(MaintenanceJobs.Job.COMPACT));
  }

  private boolean step(MaintenanceJobs.Job job) throws SQLException {
    return jobs.run(job).getBoolean("more", false);
  }

  private void updateDatabaseSize() {
    try {
      metrics.databaseBytes(SqliteFiles.bytesOnDisk(config.databasePath()));
    } catch (java.io.IOException e) {
      LOG.warn("cannot read the size of " + config.databasePath() + ": " + e.getMessage()
          + "; skelly_database_bytes keeps its last value");
    }
  }

  @Override
  public Future<?> stop() throws Exception {
    if (scheduler != null) {
      scheduler.stop();
    }
    groupCommit.stop();
    store.close();
    lock.close();
    return Future.succeededFuture();
  }
}
