package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The only writer of the database, deployed as a <em>worker</em> verticle: its handlers run one
 * at a time on a worker thread, which owns the single JDBC connection (as ActivityWatch's
 * datastore worker owns its own). Work is staged as it arrives and committed every write interval,
 * or at once when the write batch is full; requests are answered only after their commit.
 * Transient {@code SQLITE_BUSY} is retried with backoff; a permanent failure fails every waiting
 * request with {@code DATABASE} and counts the events as dropped.
 */
public final class WriterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);
  private static final long MAX_RETRY_DELAY_MS = 5_000;
  /** The batcher is a local consumer: its events never cross the cluster. */
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL_ONLY =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  private static final long ROLLUP_EVERY_MS = 60_000;
  /** An hour's blocks are merged once the hour has been over this long (late commits land first). */
  private static final long MERGE_GRACE_MICROS = 60_000_000L;
  /** Events re-encoded per merge step: a few tens of ms, so commits never wait long. */
  private static final long MERGE_EVENTS_PER_STEP = 100_000;
  private static final long RETENTION_EVERY_MS = 3_600_000;

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private Maintenance maintenance;
  private BlockMerger merger;
  private final java.util.Map<String, Long> maintenanceTimers = new java.util.HashMap<>();
  private final List<Message<?>> waiting = new ArrayList<>();
  private EventStore store;
  private DatabaseLock lock;
  private long flushTimer = -1;
  private long retryDelayMs;
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
    try {
      lock = DatabaseLock.tryAcquire(config.databasePath());
    } catch (java.io.IOException e) {
      throw new java.io.IOException("cannot open the database " + config.databasePath(), e);
    }
    if (lock == null) {
      throw new IllegalStateException("another storage module is running against "
          + config.databasePath() + " (its .lock is held); stop it or choose another database_path");
    }
    try {
      finishInterruptedWork();
      integrity = checkIntegrity();
      store = EventStore.open(config.databasePath(), config.synchronous(), config.busyTimeoutMs(),
          config.encryption());
      EncryptionMigration.run(store);
    } catch (Exception e) {
      lock.close();
      throw e;
    }
    maintenance = new Maintenance(store.connection());
    merger = new BlockMerger(store.connection(), store.crypto());
    updateDatabaseSize();
    schedule("rollup", ROLLUP_EVERY_MS);
    schedule("retention", RETENTION_EVERY_MS);
    schedule("merge", config.mergeInterval().toMillis());
    schedule("compact", Math.max(60_000, config.compactionInterval().toMillis()));
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.WRITE_MAINTENANCE, m -> {
          try {
            m.reply(runMaintenance(m.body().getString("task", "")));
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

  /**
   * The quick check at start; a damaged database is moved aside and what is readable salvaged
   * into a fresh one, said loudly here and reported on {@code /health} and by {@code stats}.
   */
  private JsonObject checkIntegrity() throws java.io.IOException, SQLException {
    Path db = config.databasePath();
    String damage = StartupCheck.damage(db, config.encryption());
    if (damage == null) {
      return new JsonObject().put("status", "ok").put("detail", "quick check passed at start");
    }
    LOG.error("DATABASE DAMAGED: " + db + ": " + damage + "; moving it aside and salvaging what is"
        + " readable into a fresh database");
    Salvage.Report report = Salvage.quarantineAndSalvage(db, damage, java.time.Instant.now(),
        config.encryption());
    LOG.error(report.summary());
    return report.toJson().put("status", "salvaged").put("detail", report.summary());
  }

  /** A restore killed midway is finished first; temp files of killed tools are removed. */
  private void finishInterruptedWork() throws java.io.IOException {
    Path db = config.databasePath();
    Restore.recover(db).ifPresent(LOG::warn);
    List<Path> stale = new ArrayList<>(Restore.removeStaleTemps(db));
    stale.addAll(Backup.removeStaleTemps(config.backupDir()));
    if (!stale.isEmpty()) {
      LOG.warn("removed temp files left by killed tools: " + stale);
    }
  }

  private void onEvents(Message<IngestChunk> message) {
    try {
      int duplicates = store.stage(message.body().events());
      if (duplicates > 0) {
        metrics.duplicates(duplicates);
      }
    } catch (SQLException | RuntimeException e) {
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
      retryDelayMs = 0;
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
    if (isTransient(e)) {
      LOG.warn("database busy (" + e.getMessage() + "); retrying the commit in " + retryLater()
          + " ms, nothing is lost");
      return;
    }
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
      LOG.warn("closed windows' records stay staged; retrying their commit in "
          + retryLater() + " ms");
    }
  }

  /** Re-arms the flush with exponential backoff; returns the delay. */
  private long retryLater() {
    retryDelayMs = retryDelayMs == 0 ? 50 : Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2);
    flushTimer = vertx.setTimer(retryDelayMs, id -> {
      flushTimer = -1;
      flush();
    });
    return retryDelayMs;
  }

  /** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock for a moment. */
  private static boolean isTransient(Exception e) {
    String msg = String.valueOf(e.getMessage());
    return msg.contains("SQLITE_BUSY") || msg.contains("SQLITE_LOCKED");
  }

  /** Runs a maintenance task now, between commits on this thread; re-armed after it finishes. */
  private void schedule(String task, long everyMs) {
    schedule(task, everyMs, everyMs);
  }

  /** Runs {@code task} after {@code delayMs}, then every {@code everyMs}; a step with more to do follows at once. */
  private void schedule(String task, long delayMs, long everyMs) {
    long id = vertx.setTimer(delayMs, t -> {
      try {
        if (!"compact".equals(task) || !store.hasStagedWork()) { // compaction waits for quiet
          if (runMaintenance(task).getBoolean("more", false)) {
            schedule(task, 1, everyMs); // the next step soon, after whatever commit is due
            return;
          }
        }
      } catch (SQLException | RuntimeException e) {
        LOG.error("maintenance task " + task + " failed, retried next time: " + e.getMessage(), e);
      }
      schedule(task, everyMs, everyMs);
    });
    maintenanceTimers.put(task, id);
  }

  private JsonObject runMaintenance(String task) throws SQLException {
    long now = clock.wallMicros();
    switch (task) {
      case "rollup" -> {
        long from = maintenance.rolledUpThrough();
        maintenance.rollup(from, now + Maintenance.HOUR_MICROS);
        metrics.rollupRun();
        return new JsonObject().put("task", task).put("fromMicros", from);
      }
      case "retention" -> {
        Maintenance.RetentionResult r = maintenance.retention(now, config.rawEventsRetentionDays(),
            config.hourlyAggregatesRetentionDays(), config.dailySummariesRetentionDays(),
            config.screenshotMetadataRetentionDays());
        store.reloadBlockTables();
        metrics.retentionRun();
        if (!r.droppedTables().isEmpty()) {
          LOG.info("retention dropped " + r.droppedTables() + " and " + r.windows() + " windows");
        }
        return new JsonObject().put("task", task).put("droppedTables", r.droppedTables())
            .put("minuteRows", r.minuteRows()).put("hourlyRows", r.hourlyRows())
            .put("dailyRows", r.dailyRows()).put("windows", r.windows())
            .put("screenshotRows", r.screenshotRows());
      }
      case "merge" -> {
        BlockMerger.Result r = merger.merge(now - MERGE_GRACE_MICROS, MERGE_EVENTS_PER_STEP);
        metrics.blocksMerged(r.blocksIn());
        if (r.groups() > 0) {
          LOG.debug("merged {} blocks into {} sealed blocks ({} events, {} -> {} bytes)", r.blocksIn(),
              r.groups(), r.events(), r.bytesIn(), r.bytesOut());
        }
        return new JsonObject().put("task", task).put("blocksIn", r.blocksIn()).put("blocksOut", r.groups())
            .put("events", r.events()).put("bytesIn", r.bytesIn()).put("bytesOut", r.bytesOut())
            .put("skipped", new io.vertx.core.json.JsonArray(new ArrayList<Object>(r.skipped())))
            .put("more", r.more());
      }
      case "compact" -> {
        long pause = maintenance.compact(64);
        metrics.compactionPause(pause);
        LOG.info("compaction done; longest pause to ingest " + pause / 1_000_000.0 + " ms");
        updateDatabaseSize();
        return new JsonObject().put("task", task).put("longestPauseMs", pause / 1e6);
      }
      default -> throw new IllegalArgumentException("unknown maintenance task '" + task
          + "' (rollup, retention, merge, compact)");
    }
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
    Path db = config.databasePath();
    long size = 0;
    for (String suffix : new String[] {"", "-wal"}) {
      Path p = Path.of(db + suffix);
      try {
        size += Files.exists(p) ? Files.size(p) : 0;
      } catch (java.io.IOException e) {
        LOG.debug("cannot read size of " + p + ": " + e.getMessage());
      }
    }
    metrics.databaseBytes(size);
  }

  @Override
  public Future<?> stop() throws Exception {
    maintenanceTimers.values().forEach(vertx::cancelTimer);
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
