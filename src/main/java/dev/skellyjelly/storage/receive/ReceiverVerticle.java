package dev.skellyjelly.storage.receive;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.FrameEncoding;
import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes frames ({@link EventFrame}, many events of one session), single raw events and
 * screenshot chunks ({@link ScreenshotChunk}, joined by {@link ScreenshotReassembly}) from
 * {@code storage.events.raw} and routes them: screenshots to the screenshot handler, every other
 * event to the writer through the {@link WriteQueue} (the writer hands what it committed on to the
 * batcher); screenshot chunks are joined by {@link ChunkedScreenshots}.
 *
 * <p>Delivery: a {@code send} is accepted; a {@code request} is answered (with the event's
 * sequence number; a frame's with its last one) only after the transaction holding it commits — a
 * screenshot once it is held and analysed, or after its metadata's commit when the request carries
 * {@code skelly-reply-when: committed}. The write queue is bounded by
 * {@code write_buffer_size_mb} of events in flight: past it, requests fail with
 * {@code BACKPRESSURE} and sends are counted as dropped — never dropped silently.
 * A screenshot chunk is answered (with its index) once taken, its last one like a screenshot.
 * A body that is not an event (bad bytes, a foreign type) is answered with {@code DECODE} or
 * {@code INVALID_EVENT}, counted, and the consumer goes on.
 */
public final class ReceiverVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverVerticle.class);

  private final StorageConfig config;
  private final StorageMetrics metrics;
  /** Internal hops stay local: on a clustered bus this skips the cluster's node selection. */
  private final DeliveryOptions writeOptions = new DeliveryOptions().setSendTimeout(300_000)
      .setLocalOnly(true);
  private final DeliveryOptions screenshotOnCommitOptions = new DeliveryOptions(writeOptions)
      .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);
  private final SenderLedger unanswered = new SenderLedger();
  private WriteQueue writeQueue;
  private ChunkedScreenshots chunked;

  public ReceiverVerticle(StorageConfig config, StorageMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    writeQueue = new WriteQueue(vertx, config.writeBufferBytes(), config.writeInterval().toMillis(),
        writeOptions);
    chunked = new ChunkedScreenshots(vertx, config, metrics);
    return vertx.eventBus().consumer(Addresses.EVENTS_RAW, this::onMessage).completion();
  }

  private void onMessage(Message<Object> message) {
    String syncing = message.headers().get(Addresses.SYNC_HEADER);
    if (syncing != null) {
      // Every earlier message of this producer was taken or refused already: admission is synchronous.
      message.reply(unanswered.sync(syncing));
      return;
    }
    long t0 = System.nanoTime();
    Object body = decode(message);
    if (body instanceof EventFrame frame) {
      onFrame(message, frame);
    } else if (body instanceof ScreenshotChunk chunk) {
      onScreenshotChunk(message, chunk);
    } else if (body instanceof RawEvent.Screenshot screenshot) {
      onScreenshot(message, screenshot);
    } else if (body instanceof RawEvent event) {
      metrics.received(event.kind());
      List<RawEvent> one = List.of(event);
      if (admit(message, one, event.estimatedBytes())) {
        writeQueue.enqueue(one, event.estimatedBytes(), replyOnCommit(message, event.sequence()));
      }
    }
    metrics.processingLatency().record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
  }

  /**
   * A frame is taken or refused as a whole. Its reply — one per frame, with its last sequence —
   * follows the commit of all its events, or their acceptance when the producer asked for that
   * (its fire-and-forget flow control).
   */
  private void onFrame(Message<Object> message, EventFrame frame) {
    String problem = frame.inconsistency();
    if (problem != null) {
      metrics.dropped(StorageMetrics.DropReason.INVALID, frame.events().size());
      LOG.warn("refused a frame of session " + frame.session() + ": " + problem);
      refuse(message, ErrorCode.INVALID_EVENT, problem, frame.events().size());
      return;
    }
    List<RawEvent> events = new ArrayList<>(frame.events().size());
    List<RawEvent.Screenshot> screenshots = new ArrayList<>(0);
    long bytes = 0;
    for (RawEvent e : frame.events()) {
      metrics.received(e.kind());
      if (e instanceof RawEvent.Screenshot s) {
        screenshots.add(s);
      } else {
        events.add(e);
        bytes += e.estimatedBytes();
      }
    }
    if (!admit(message, events, bytes)) {
      return;
    }
    boolean onAccept = Addresses.REPLY_ON_ACCEPT.equals(message.headers().get(Addresses.REPLY_WHEN_HEADER));
    if (screenshots.isEmpty()) {
      writeQueue.enqueue(events, bytes, onAccept ? null : replyOnCommit(message, frame.lastSequence()));
    } else {
      List<Future<?>> parts = new ArrayList<>(screenshots.size() + 1);
      if (!events.isEmpty()) {
        Promise<Void> committed = Promise.promise();
        writeQueue.enqueue(events, bytes, failure -> {
          if (failure == null) {
            committed.complete();
          } else {
            committed.fail(failure);
          }
        });
        parts.add(committed.future());
      }
      boolean onCommit = wantsCommit(message);
      screenshots.forEach(s -> parts.add(routeScreenshot(s, onCommit)));
      if (!onAccept) {
        Future.all(parts).onComplete(ar -> answer(message, frame.lastSequence(),
            ar.failed() ? ar.cause() : null));
      }
    }
    if (onAccept && message.replyAddress() != null) {
      message.reply(frame.lastSequence());
    }
  }

  /**
   * A screenshot that came whole (an old producer's single event, or the last of its chunks):
   * answered once held and analysed, after its metadata's commit if asked, or at once when the
   * producer asked for an answer on acceptance.
   */
  private void onScreenshot(Message<Object> message, RawEvent.Screenshot screenshot) {
    metrics.received(EventKind.SCREENSHOT);
    Future<Void> routed = routeScreenshot(screenshot, wantsCommit(message));
    if (Addresses.REPLY_ON_ACCEPT.equals(message.headers().get(Addresses.REPLY_WHEN_HEADER))) {
      if (message.replyAddress() != null) {
        message.reply(screenshot.sequence());
      }
      return;
    }
    routed.onComplete(ar -> answer(message, screenshot.sequence(), ar.failed() ? ar.cause() : null));
  }

  /**
   * A chunk goes into its screenshot, answered with its index; the last one completes the
   * screenshot, which goes on as if it had come whole. A refused chunk is answered with the code
   * naming what was wrong, and touches no other screenshot.
   */
  private void onScreenshotChunk(Message<Object> message, ScreenshotChunk chunk) {
    RawEvent.Screenshot screenshot;
    try {
      screenshot = chunked.accept(chunk);
    } catch (StorageException e) {
      if (e.code() == ErrorCode.BACKPRESSURE) {
        metrics.backpressureRefusal();
      }
      LOG.warn("refused a screenshot chunk: " + e.getMessage());
      refuse(message, e.code(), e.getMessage(), 1);
      return;
    }
    if (screenshot != null) {
      onScreenshot(message, screenshot);
    } else if (message.replyAddress() != null) {
      message.reply(chunk.index());
    }
  }

  /** The event or frame in the message, or {@code null} after answering a body that is none. */
  private Object decode(Message<Object> message) {
    Object body;
    try {
      body = message.body();
      if (body instanceof Buffer bytes) {
        body = FrameEncoding.decodeWire(WireBytes.of(bytes));
      }
    } catch (EventDecodeException e) {
      metrics.decodeError();
      metrics.dropped(StorageMetrics.DropReason.DECODE, 1);
      LOG.warn("dropped an undecodable message on " + Addresses.EVENTS_RAW + ": " + e.getMessage());
      refuse(message, ErrorCode.DECODE, e.getMessage() + "; send RawEvents or EventFrames with the"
          + " codecs from Codecs.registerAll, or their wire bytes as a Buffer", 1);
      return null;
    } catch (FrameEncoding.FrameTooLargeException e) {
      metrics.dropped(StorageMetrics.DropReason.INVALID, 1);
      LOG.warn("refused a message on " + Addresses.EVENTS_RAW + ": " + e.getMessage());
      refuse(message, ErrorCode.TOO_LARGE, e.getMessage(), 1);
      return null;
    }
    if (body instanceof RawEvent || body instanceof EventFrame || body instanceof ScreenshotChunk) {
      return body;
    }
    metrics.dropped(StorageMetrics.DropReason.INVALID, 1);
    String type = body == null ? "null" : body.getClass().getName();
    LOG.warn("refused a " + type + " on " + Addresses.EVENTS_RAW);
    refuse(message, ErrorCode.INVALID_EVENT, Addresses.EVENTS_RAW + " takes EventFrame or RawEvent"
        + " records (register them with Codecs.registerAll on the sending Vertx) or their wire"
        + " bytes as a Buffer, not " + type, 1);
    return null;
  }

  /**
   * Answers a message that is not a valid event or frame; a producer that sent it without a reply
   * hears of its {@code events} (1 when they could not be counted) at its next sync.
   */
  private void refuse(Message<?> message, ErrorCode code, String reason, int events) {
    if (message.replyAddress() != null) {
      String text = reason.startsWith(code.name() + ":") ? reason : code.name() + ": " + reason;
      message.fail(code.failureCode(), text);
    } else if (message.headers().get(Addresses.SENDER_HEADER) != null) {
      unanswered.rejected(message.headers().get(Addresses.SENDER_HEADER), events);
    }
  }

  /** Whether the producer asked for its screenshots' metadata to be committed before the reply. */
  private static boolean wantsCommit(Message<Object> message) {
    return Addresses.REPLY_ON_COMMIT.equals(message.headers().get(Addresses.REPLY_WHEN_HEADER));
  }

  private Future<Void> routeScreenshot(RawEvent.Screenshot screenshot, boolean onCommit) {
    return vertx.eventBus().request(Addresses.SCREENSHOTS_STORE, screenshot,
        onCommit ? screenshotOnCommitOptions : writeOptions).mapEmpty();
  }

  /**
   * Whether {@code events} fit under the write-queue bound; if not, they are refused as a whole:
   * counted as dropped, and a request answered {@code BACKPRESSURE}.
   */
  private boolean admit(Message<Object> message, List<RawEvent> events, long bytes) {
    if (writeQueue.fits(bytes)) {
      return true;
    }
    metrics.dropped(StorageMetrics.DropReason.BACKPRESSURE, events.size());
    if (message.replyAddress() != null) {
      metrics.backpressureRefusal();
      message.fail(ErrorCode.BACKPRESSURE.failureCode(), "BACKPRESSURE: " + writeQueue.describeFull());
    } else if (message.headers().get(Addresses.SENDER_HEADER) != null) {
      unanswered.refused(message.headers().get(Addresses.SENDER_HEADER), events.size());
    }
    return false;
  }

  /** Replies after the commit, or {@code null} when nobody waits for a reply. */
  private static Handler<Throwable> replyOnCommit(Message<Object> message, long sequence) {
    return message.replyAddress() == null ? null : failure -> answer(message, sequence, failure);
  }

  /** Replies with the sequence number, or passes the failure on. */
  private static void answer(Message<Object> m, long sequence, Throwable failure) {
    if (m.replyAddress() == null) {
      return;
    }
    if (failure == null) {
      m.reply(sequence);
    } else if (failure instanceof ReplyException re && re.failureCode() > 0) {
      m.fail(re.failureCode(), re.getMessage());
    } else {
      m.fail(ErrorCode.DATABASE.failureCode(), "DATABASE: " + failure.getMessage());
    }
  }

  @Override
  public Future<?> stop() {
    chunked.stop();
    // Commit what is queued so every producer still waiting gets its answer before we go.
    return writeQueue.flush().recover(err -> {
      // The writer is already gone (Vert.x closed without undeploying the module in order):
      // requests still waiting are answered by the failure of their chunk.
      LOG.warn("could not flush the writer on stop: " + err.getMessage()
          + "; undeploy the module with StorageModule.undeploy() before closing Vert.x");
      return Future.succeededFuture();
    });
  }
}
