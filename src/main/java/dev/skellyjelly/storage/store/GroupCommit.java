package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group commit, on the writer's thread: what the {@link EventStore} has staged is committed
 * every write interval, or at once when the write batch is full, and the requests waiting for it
 * are answered only after their commit. A failed commit is retried or given up as
 * {@link CommitRetry} says; giving up fails every waiting request with {@code DATABASE} and counts
 * the events as dropped. Readiness follows the last commit.
 */
final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  /** The batcher is a local consumer: its events never cross the cluster. */
  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final EventStore store;
  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final StorageClock clock;
  private final Runnable committed;
  private final CommitRetry retry = CommitRetry.standard();
  private final List<Message<?>> waiting = new ArrayList<>();
  private long flushTimer = -1;
  private long commits;
  private boolean writable = true;

  /** {@code committed} runs after every successful commit (the database size is read again). */
  GroupCommit(Vertx vertx, EventStore store, StorageConfig config, StorageMetrics metrics, StorageClock clock,
      Runnable committed) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.committed = committed;
  }

  /** A staged message waits for the commit; the batch commits at once when it is full. */
  void staged(Message<?> message) {
    staged(message, false);
  }

  /** The same; {@code due}: the sender held its events for a write interval, commit them now. */
  void staged(Message<?> message, boolean due) {
    if (message.replyAddress() != null) {
      waiting.add(message);
    }
    metrics.queuedEvents(store.stagedEventCount());
    if (due || store.stagedEventCount() >= config.writeBatchMaxEvents()) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(config.writeInterval().toMillis(), id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  /** {@code message} is answered once everything staged before it is committed. */
  void flushFor(Message<?> message) {
    waiting.add(message);
    flush();
  }

  void flush() {
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
      retry.succeeded();
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
      committed.run();
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
    CommitRetry.Decision decision = retry.failed(e, clock.monotonicNanos());
    if (decision.retry()) {
      LOG.warn("database busy (" + e.getMessage() + "); retrying the commit in " + decision.delayMs()
          + " ms, nothing is lost");
      retryIn(decision.delayMs());
      return;
    }
    if (decision.horizonPassed()) {
      LOG.error("the database stayed busy for " + CommitRetry.HORIZON.toSeconds() + " s ("
          + retry.failedInARow() + " commit attempts); is another process holding a write lock on "
          + config.databasePath() + "?");
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
      long delay = retry.leftoverDelayMs();
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

  /** Readiness follows the last commit: published on every change. */
  private void setWritable(boolean now, String detail) {
    if (now != writable) {
      writable = now;
      vertx.eventBus().publish(Addresses.WRITER_STATUS, new JsonObject().put("writable", now)
          .put("detail", detail));
    }
  }

  /** A last commit before stopping; what still cannot be committed is counted as dropped. */
  void stop() {
    flush();
    if (store.hasStagedWork()) {
      LOG.error("stopping with " + store.stagedEventCount() + " events that could not be committed");
      metrics.dropped(StorageMetrics.DropReason.SHUTDOWN, store.stagedEventCount());
    }
  }
}
