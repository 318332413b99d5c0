package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of each housekeeping job of the writer, run on its thread between commits — on a
 * schedule ({@link MaintenanceScheduler}) or when asked on the bus — and what it did, as JSON.
 */
final class MaintenanceJobs {

  /** The jobs, by the name the bus request and the logs use. */
  enum Job {
    ROLLUP, RETENTION, MERGE, COMPACT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Job named(String name) {
      for (Job j : values()) {
        if (j.label().equals(name)) {
          return j;
        }
      }
      throw new IllegalArgumentException("unknown maintenance task '" + name
          + "' (rollup, retention, merge, compact)");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceJobs.class);
  /** An hour's blocks are merged once the hour has been over this long (late commits land first). */
  private static final long MERGE_GRACE_MICROS = 60_000_000L;
  /** Events re-encoded per merge step: a few tens of ms, so commits never wait long. */
  private static final long MERGE_EVENTS_PER_STEP = 100_000;
  /** Incremental-vacuum steps per compaction run. */
  private static final int COMPACT_STEPS = 64;

  private final EventStore store;
  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private final Maintenance maintenance;
  private final BlockMerger merger;
  private final Runnable sizeChanged;

  /** @param sizeChanged told when a job may have changed the database's size on disk */
  MaintenanceJobs(EventStore store, StorageConfig config, StorageMetrics metrics, StorageClock clock,
      Runnable sizeChanged) {
    this.store = store;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.maintenance = new Maintenance(store.connection());
    this.merger = new BlockMerger(store.connection(), store.crypto());
    this.sizeChanged = sizeChanged;
  }

  /** Runs one step of {@code job}; {@code "more": true} in the answer when another step should follow soon. */
  JsonObject run(Job job) throws SQLException {
    long now = clock.wallMicros();
    JsonObject done = switch (job) {
      case ROLLUP -> rollup(now);
      case RETENTION -> retention(now);
      case MERGE -> merge(now);
      case COMPACT -> compact();
    };
    return done.put("task", job.label());
  }

  private JsonObject rollup(long now) throws SQLException {
    long from = maintenance.rolledUpThrough();
    maintenance.rollup(from, now + Maintenance.HOUR_MICROS);
    metrics.rollupRun();
    return new JsonObject().put("fromMicros", from);
  }

  private JsonObject retention(long now) throws SQLException {
    Maintenance.RetentionResult r = maintenance.retention(now, config.rawEventsRetentionDays(),
        config.hourlyAggregatesRetentionDays(), config.dailySummariesRetentionDays(),
        config.screenshotMetadataRetentionDays());
    store.reloadBlockTables();
    metrics.retentionRun();
    if (!r.droppedTables().isEmpty()) {
      LOG.info("retention dropped " + r.droppedTables() + " and " + r.windows() + " windows");
    }
    return new JsonObject().put("droppedTables", r.droppedTables())
        .put("minuteRows", r.minuteRows()).put("hourlyRows", r.hourlyRows())
        .put("dailyRows", r.dailyRows()).put("windows", r.windows())
        .put("screenshotRows", r.screenshotRows());
  }

  private JsonObject merge(long now) throws SQLException {
    BlockMerger.Result r = merger.merge(now - MERGE_GRACE_MICROS, MERGE_EVENTS_PER_STEP);
    metrics.blocksMerged(r.blocksIn());
    if (r.groups() > 0) {
      LOG.debug("merged {} blocks into {} sealed blocks ({} events, {} -> {} bytes)", r.blocksIn(),
          r.groups(), r.events(), r.bytesIn(), r.bytesOut());
    }
    return new JsonObject().put("blocksIn", r.blocksIn()).put("blocksOut", r.groups())
        .put("events", r.events()).put("bytesIn", r.bytesIn()).put("bytesOut", r.bytesOut())
        .put("skipped", new JsonArray(new ArrayList<Object>(r.skipped())))
        .put("more", r.more());
  }

  private JsonObject compact() throws SQLException {
    long pause = maintenance.compact(COMPACT_STEPS);
    metrics.compactionPause(pause);
    LOG.info("compaction done; longest pause to ingest " + pause / 1_000_000.0 + " ms");
    sizeChanged.run();
    return new JsonObject().put("longestPauseMs", pause / 1e6);
  }
}
