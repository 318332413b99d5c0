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
 * The receiver's way to the writer: admitted events gathered into one {@link IngestChunk} per
 * event-loop turn (at most {@link #MAX_CHUNK_EVENTS}), and the bound on bytes of events not yet
 * committed ({@code write_buffer_size_mb}), which {@link #fits} checks before anything is taken.
 * Used on the receiver's event loop only.
 */
final class WriteQueue {

  /** Chunk size cap: keeps one hand-off small enough not to stall the writer's thread. */
  static final int MAX_CHUNK_EVENTS = 2048;

  private final Vertx vertx;
  private final long boundBytes;
  private final DeliveryOptions writeOptions;
  private List<RawEvent> chunkEvents = new ArrayList<>();
  private List<Handler<Throwable>> chunkWaiters = new ArrayList<>();
  private long chunkBytes;
  private boolean chunkScheduled;
  private long nextChunkId;
  private long inFlightBytes;

  WriteQueue(Vertx vertx, long boundBytes, DeliveryOptions writeOptions) {
    this.vertx = vertx;
    this.boundBytes = boundBytes;
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
      sendChunk();
    } else if (!chunkScheduled) {
      chunkScheduled = true;
      // Runs after the messages already queued on this event loop: they join this chunk.
      vertx.getOrCreateContext().runOnContext(v -> sendChunk());
    }
  }

  /** Hands what is gathered to the writer now and asks it to commit everything (on stop). */
  Future<?> flush() {
    sendChunk();
    return vertx.eventBus().request(Addresses.WRITE_FLUSH, null, writeOptions);
  }

  private void sendChunk() {
    chunkScheduled = false;
    if (chunkEvents.isEmpty()) {
      return;
    }
    IngestChunk chunk = new IngestChunk(nextChunkId++, chunkEvents, chunkBytes);
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
