package dev.skellyjelly.storage.receive;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiver's way to the writer: admitted events gathered into one {@link IngestChunk}, and
 * the bound on bytes of events not yet committed ({@code write_buffer_size_mb}), which
 * {@link #fits} checks before anything is taken. Used on the receiver's event loop only.
 *
 * <p>Events are held here until their commit is due: the first one held starts a timer of one
 * write interval, when the chunk goes to the writer marked {@link IngestChunk#commitNow()} — the
 * commit the writer's own timer would have made at that moment. At a low rate that is one hand-off
 * to the writer's thread per interval instead of one per frame: each hand-off wakes a thread, and
 * on a desktop at 1,000 events/s those wake-ups were most of the writer's CPU. A chunk that
 * reaches {@link #MAX_CHUNK_EVENTS} goes at once, so at high rates the writer stages as it did.
 * Nothing waits longer than before: the commit that answers a request, and the risk of a crash
 * (the events since the last commit), are bounded by the write interval as they were.
 */
final class WriteQueue {

  /** Chunk size cap: keeps one hand-off small enough not to stall the writer's thread. */
  static final int MAX_CHUNK_EVENTS = 2048;

  private final Vertx vertx;
  private final long boundBytes;
  private final long holdMs;
  private final DeliveryOptions writeOptions;
  private List<RawEvent> chunkEvents = new ArrayList<>();
  private List<Handler<Throwable>> chunkWaiters = new ArrayList<>();
  private long chunkBytes;
  private long holdTimer = -1;
  private long nextChunkId;
  private long inFlightBytes;

  /** {@code holdMs}: the write interval, how long the first event of a chunk may wait. */
  WriteQueue(Vertx vertx, long boundBytes, long holdMs, DeliveryOptions writeOptions) {
    this.vertx = vertx;
    this.boundBytes = boundBytes;
    this.holdMs = Math.max(1, holdMs);
    this.writeOptions = writeOptions;
  }

  /** Whether {@code bytes} more of events fit under the bound. */
  boolean fits(long bytes) {
    return inFlightBytes + chunkBytes + bytes <= boundBytes;
  }

  /** Why the queue is full, for a BACKPRESSURE answer. */
  String describeFull() {
    return "the write queue is full (" + (inFlightBytes + chunkBytes) + " bytes of events"
        + " waiting, bound " + boundBytes + "); retry with backoff";
  }

  /** Adds admitted events to the chunk; {@code onCommit} (may be null) hears how it went. */
  void enqueue(List<RawEvent> events, long bytes, Handler<Throwable> onCommit) {
    chunkEvents.addAll(events);
    chunkBytes += bytes;
    if (onCommit != null) {
      chunkWaiters.add(onCommit);
    }
    if (chunkEvents.size() >= MAX_CHUNK_EVENTS) {
      sendChunk(false);
    }
    if (holdTimer < 0) {
      holdTimer = vertx.setTimer(holdMs, id -> {
        holdTimer = -1;
        sendChunk(true);
      });
    }
  }

  /** Hands what is held to the writer now and asks it to commit everything (on stop). */
  Future<?> flush() {
    if (holdTimer >= 0) {
      vertx.cancelTimer(holdTimer);
      holdTimer = -1;
    }
    sendChunk(false);
    return vertx.eventBus().request(Addresses.WRITE_FLUSH, null, writeOptions);
  }

  private void sendChunk(boolean commitNow) {
    if (chunkEvents.isEmpty()) {
      return;
    }
    IngestChunk chunk = new IngestChunk(nextChunkId++, chunkEvents, chunkBytes, commitNow);
    List<Handler<Throwable>> waiters = chunkWaiters;
    long bytes = chunkBytes;
    chunkEvents = new ArrayList<>();
    chunkWaiters = new ArrayList<>();
    chunkBytes = 0;
    inFlightBytes += bytes;
    // The batcher gets these events from the writer once they are committed, each once.
    // A failed write is counted as dropped by the writer, which knows how many it lost.
    vertx.eventBus().request(Addresses.WRITE_EVENTS, chunk, writeOptions).onComplete(ar -> {
      inFlightBytes -= bytes;
      Throwable failure = ar.failed() ? ar.cause() : null;
      waiters.forEach(w -> w.handle(failure));
    });
  }
}
