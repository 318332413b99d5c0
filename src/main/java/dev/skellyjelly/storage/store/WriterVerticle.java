package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.retry.RetryBackoff;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The only writer of the database, deployed as a <em>worker</em> verticle: its handlers run one
 * at a time on a worker thread, which owns the single JDBC connection (as ActivityWatch's
 * datastore worker owns its own). Its job is the group commit: work is staged as it arrives and
 * committed every write interval, or at once when the write batch is full; requests are answered
 * only after their commit. Transient {@code SQLITE_BUSY} is retried with {@link RetryBackoff} up
 * to {@link #COMMIT_RETRY_HORIZON}; a permanent failure, or one that outlasts the horizon, fails
 * every waiting request with {@code DATABASE} and counts the events as dropped. Housekeeping
 * ({@link MaintenanceJobs}) runs on the same thread between commits, when
 * {@link MaintenanceScheduler} says.
 */
public final class WriterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);
  /** How long a commit that keeps meeting a busy database is retried before its events are failed. */
  static final Duration COMMIT_RETRY_HORIZON = Duration.ofSeconds(60);
  /** The batcher is a local consumer: its events never cross the cluster. */
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL_ONLY =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  private static final long ROLLUP_EVERY_MS = 60_000;
  private static final long RETENTION_EVERY_MS = 3_600_000;
  /** Compaction deferred by busy ingest is tried again this soon ... */
  private static final long COMPACT_BUSY_RETRY_MS = 5_000;
  /** ... and runs anyway once it has waited this long. */
  private static final long COMPACT_MAX_DEFER_MS = 15 * 60_000;

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private final RetryBackoff commitRetry = new RetryBackoff(Duration.ofMillis(50), Duration.ofSeconds(5),
      COMMIT_RETRY_HORIZON, RetryBackoff::randomBelow);
  private MaintenanceJobs jobs;
  private MaintenanceScheduler scheduler;
  private final List<Message<?>> waiting = new ArrayList<>();
  private EventStore store;
  private DatabaseLock lock;
  private long flushTimer = -1;
  /** Commit attempts failed in a row, and when the horizon of the staged events' retries began. */
  private int failedCommits;
  private long retryingSinceNanos;
  private long commits;
  private JsonObject integrity;
  private boolean writable = true;

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
          stageDone(m);
        }).completion(),
        bus.<ScreenshotMetadata>localConsumer(Addresses.WRITE_SCREENSHOT_METADATA, m -> {
          store.stageScreenshot(m.body());
          stageDone(m);
        }).completion(),
        bus.<MaskingRecorded>localConsumer(Addresses.WRITE_SCREENSHOT_MASKING, m -> {
          store.stageMasking(m.body());
          stageDone(m);
        }).completion(),
        bus.localConsumer(Addresses.WRITE_FLUSH, m -> {
          waiting.add(m);
          flush();
        }).completion()));
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
    stageDone(message);
  }

  /** A staged message waits for the commit; the batch commits at once when it is full. */
  private void stageDone(Message<?> message) {
    if (message.replyAddress() != null) {
      waiting.add(message);
    }
    metrics.queuedEvents(store.stagedEventCount());
    if (store.stagedEventCount() >= config.writeBatchMaxEvents()) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(config.writeInterval().toMillis(), id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (!store.hasStagedWork()) {
      answerWaiting();
      return;
    }
    try {
      EventStore.CommitResult result = store.commit();
      failedCommits = 0;
      setWritable(true, "last commit succeeded");
      metrics.dbWrite(result.events(), result.nanos());
      metrics.stored(result.events());
      metrics.queuedEvents(0);
      // Before the replies: whoever waits for a commit finds its events already on their way
      // to the batcher, which thus sees every stored event once and nothing else.
      if (!result.stored().isEmpty()) {
        vertx.eventBus().send(Addresses.BATCH_EVENTS,
            new IngestChunk(commits, result.stored(), result.storedBytes()), LOCAL_ONLY);
      }
      commits++;
      answerWaiting();
      vertx.eventBus().publish(Addresses.WRITE_COMMITTED, new JsonObject()
          .put("events", result.events()).put("blocks", result.blocks())
          .put("windows", result.windows()).put("screenshots", result.screenshots())
          .put("millis", result.nanos() / 1e6));
      updateDatabaseSize();
    } catch (SQLException | RuntimeException e) {
      onCommitFailure(e);
    }
  }

  private void answerWaiting() {
    for (Message<?> m : waiting) {
      m.reply(null);
    }
    waiting.clear();
  }

  private void onCommitFailure(Exception e) {
    setWritable(false, e.getMessage());
    long now = clock.monotonicNanos();
    if (failedCommits++ == 0) {
      retryingSinceNanos = now;
    }
    if (isTransient(e)) {
      long delay = commitRetry.nextDelayMs(failedCommits, (now - retryingSinceNanos) / 1_000_000);
      if (delay >= 0) {
        LOG.warn("database busy (" + e.getMessage() + "); retrying the commit in " + delay
            + " ms, nothing is lost");
        retryIn(delay);
        return;
      }
      LOG.error("the database stayed busy for " + COMMIT_RETRY_HORIZON.toSeconds() + " s ("
          + failedCommits + " commit attempts); is another process holding a write lock on "
          + config.databasePath() + "?");
    }
    retryingSinceNanos = now; // what is staged from now on gets a horizon of its own
    int lost = store.stagedEventCount();
    LOG.error("write transaction failed, " + lost + " events not stored: " + e.getMessage()
        + ". Check free disk space and that " + config.databasePath() + " is writable.", e);
    String reason = "DATABASE: the write transaction failed (" + e.getMessage() + "); the events"
        + " were not stored, retry later";
    int requests = 0;
    for (Message<?> m : waiting) {
      m.fail(ErrorCode.DATABASE.failureCode(), reason);
      requests++;
    }
    waiting.clear();
    store.discardStagedEvents();
    metrics.queuedEvents(0);
    metrics.dropped(StorageMetrics.DropReason.DATABASE, lost);
    LOG.debug("failed " + requests + " waiting requests");
    if (store.hasStagedWork()) {
      long delay = commitRetry.delayMs(failedCommits);
      LOG.warn("closed windows' records stay staged; retrying their commit in " + delay + " ms");
      retryIn(delay);
    }
  }

  private void retryIn(long delayMs) {
    flushTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      flushTimer = -1;
      flush();
    });
  }

  /** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock for a moment. */
  private static boolean isTransient(Exception e) {
    String msg = String.valueOf(e.getMessage());
    return msg.contains("SQLITE_BUSY") || msg.contains("SQLITE_LOCKED");
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

  /** Readiness follows the last commit: published on every change. */
  private void setWritable(boolean now, String detail) {
    if (now != writable) {
      writable = now;
      vertx.eventBus().publish(Addresses.WRITER_STATUS, new JsonObject().put("writable", now)
          .put("detail", detail));
    }
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
    flush();
    if (store.hasStagedWork()) {
      LOG.error("stopping with " + store.stagedEventCount() + " events that could not be committed");
      metrics.dropped(StorageMetrics.DropReason.SHUTDOWN, store.stagedEventCount());
    }
    store.close();
    lock.close();
    return Future.succeededFuture();
  }
}
