package dev.skellyjelly.storage.receive;

import dev.skellyjelly.storage.Addresses;
import dev.skellyjelly.storage.ErrorCode;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes raw events from {@code storage.events.raw} and routes them: screenshots to the
 * screenshot handler, every other event to the batcher and the writer. Events that arrive in one
 * event-loop turn travel on as one {@link IngestChunk}.
 *
 * <p>Delivery: a {@code send} is accepted; a {@code request} is answered (with the event's
 * sequence number) only after the transaction holding it commits. The write queue is bounded by
 * {@code write_buffer_size_mb} of events in flight: past it, requests fail with
 * {@code BACKPRESSURE} and sends are counted as dropped — never dropped silently.
 * A body that is not an event (bad bytes, a foreign type) is answered with {@code DECODE} or
 * {@code INVALID_EVENT}, counted, and the consumer goes on.
 */
public final class ReceiverVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverVerticle.class);
  /** Chunk size cap: keeps one hand-off small enough not to stall the writer's thread. */
  static final int MAX_CHUNK_EVENTS = 2048;

  private final StorageConfig config;
  private final StorageMetrics metrics;
  private final DeliveryOptions writeOptions = new DeliveryOptions().setSendTimeout(300_000);
  private List<RawEvent> chunkEvents = new ArrayList<>();
  private List<Pending> chunkRequests = new ArrayList<>();
  private long chunkBytes;
  private boolean chunkScheduled;
  private long nextChunkId;
  private long inFlightBytes;

  public ReceiverVerticle(StorageConfig config, StorageMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().consumer(Addresses.EVENTS_RAW, this::onMessage).completion();
  }

  private void onMessage(Message<Object> message) {
    long t0 = System.nanoTime();
    RawEvent event = decode(message);
    if (event == null) {
      return;
    }
    metrics.received(event.kind());
    if (event instanceof RawEvent.Screenshot screenshot) {
      routeScreenshot(message, screenshot);
    } else {
      enqueue(message, event);
    }
    metrics.processingLatency().record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The event in the message, or {@code null} after answering a body that is none. */
  private RawEvent decode(Message<Object> message) {
    Object body;
    try {
      body = message.body();
      if (body instanceof Buffer bytes) {
        body = EventEncoding.decodeSingle(bytes.getBytes());
      }
    } catch (EventDecodeException e) {
      metrics.decodeError();
      metrics.dropped(StorageMetrics.DropReason.DECODE, 1);
      LOG.warn("dropped an undecodable message on " + Addresses.EVENTS_RAW + ": " + e.getMessage());
      refuse(message, ErrorCode.DECODE, e.getMessage() + "; send a RawEvent with the codecs from"
          + " Codecs.registerAll, or its wire bytes as a Buffer");
      return null;
    }
    if (body instanceof RawEvent event) {
      return event;
    }
    metrics.dropped(StorageMetrics.DropReason.INVALID, 1);
    String type = body == null ? "null" : body.getClass().getName();
    LOG.warn("refused a " + type + " on " + Addresses.EVENTS_RAW);
    refuse(message, ErrorCode.INVALID_EVENT, Addresses.EVENTS_RAW + " takes RawEvent records"
        + " (register them with Codecs.registerAll on the sending Vertx) or their wire bytes as a"
        + " Buffer, not " + type);
    return null;
  }

  private static void refuse(Message<?> message, ErrorCode code, String reason) {
    if (message.replyAddress() != null) {
      message.fail(code.failureCode(), code.name() + ": " + reason);
    }
  }

  private void routeScreenshot(Message<Object> message, RawEvent.Screenshot screenshot) {
    vertx.eventBus().request(Addresses.SCREENSHOTS_STORE, screenshot, writeOptions)
        .onComplete(ar -> answer(List.of(new Pending(message, screenshot.sequence())),
            ar.failed() ? ar.cause() : null));
  }

  private void enqueue(Message<Object> message, RawEvent event) {
    int size = event.estimatedBytes();
    if (inFlightBytes + chunkBytes + size > config.writeBufferBytes()) {
      metrics.dropped(StorageMetrics.DropReason.BACKPRESSURE, 1);
      if (message.replyAddress() != null) {
        metrics.backpressureRefusal();
        message.fail(ErrorCode.BACKPRESSURE.failureCode(), "BACKPRESSURE: the write queue is full ("
            + (inFlightBytes + chunkBytes) + " bytes of events waiting, bound "
            + config.writeBufferBytes() + "); retry with backoff");
      }
      return;
    }
    chunkEvents.add(event);
    chunkBytes += size;
    if (message.replyAddress() != null) {
      chunkRequests.add(new Pending(message, event.sequence()));
    }
    if (chunkEvents.size() >= MAX_CHUNK_EVENTS) {
      sendChunk();
    } else if (!chunkScheduled) {
      chunkScheduled = true;
      // Runs after the messages already queued on this event loop: they join this chunk.
      vertx.getOrCreateContext().runOnContext(v -> sendChunk());
    }
  }

  private void sendChunk() {
    chunkScheduled = false;
    if (chunkEvents.isEmpty()) {
      return;
    }
    IngestChunk chunk = new IngestChunk(nextChunkId++, chunkEvents, chunkBytes);
    List<Pending> requests = chunkRequests;
    long bytes = chunkBytes;
    chunkEvents = new ArrayList<>();
    chunkRequests = new ArrayList<>();
    chunkBytes = 0;
    inFlightBytes += bytes;
    var bus = vertx.eventBus();
    bus.send(Addresses.BATCH_EVENTS, chunk);
    // A failed write is counted as dropped by the writer, which knows how many it lost.
    bus.request(Addresses.WRITE_EVENTS, chunk, writeOptions).onComplete(ar -> {
      inFlightBytes -= bytes;
      answer(requests, ar.failed() ? ar.cause() : null);
    });
  }

  /** Replies to each request with its sequence number, or passes the failure on. */
  private static void answer(List<Pending> requests, Throwable failure) {
    for (Pending p : requests) {
      Message<Object> m = p.message();
      if (m.replyAddress() == null) {
        continue;
      }
      if (failure == null) {
        m.reply(p.sequence());
      } else if (failure instanceof ReplyException re && re.failureCode() > 0) {
        m.fail(re.failureCode(), re.getMessage());
      } else {
        m.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: " + failure.getMessage());
      }
    }
  }

  /** A request waiting for its commit, with the sequence its reply carries. */
  private record Pending(Message<Object> message, long sequence) {
  }

  @Override
  public Future<?> stop() {
    sendChunk();
    // Commit what is queued so every producer still waiting gets its answer before we go.
    return vertx.eventBus().request(Addresses.WRITE_FLUSH, null, writeOptions)
        .recover(err -> {
          // The writer is already gone (Vert.x closed without undeploying the module in order):
          // requests still waiting are answered by the failure of their chunk.
          LOG.warn("could not flush the writer on stop: " + err.getMessage()
              + "; undeploy the module with StorageModule.undeploy() before closing Vert.x");
          return Future.succeededFuture();
        });
  }
}
