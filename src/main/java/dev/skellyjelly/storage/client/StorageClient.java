package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.event.Codecs;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * What another module (Data Capture, Analysis) uses to send events to storage from its own
 * Vert.x, in the same process or on another cluster node.
 *
 * <p><b>Frames.</b> Events are coalesced per session into {@link EventFrame}s — sent when a frame
 * holds {@code maxFrameEvents} events or {@code maxFrameBytes} bytes, or after a linger of
 * {@code linger} (at low rates up to {@code maxLinger}, or {@code maxDurableLinger} for durable
 * events) — so the bus pays one message and one wake-up per frame, and a reply per durable frame.
 * A screenshot travels as a frame of its own; on a clustered Vert.x as bounded chunks ({@link ScreenshotChunkSender}).
 *
 * <p><b>Delivery.</b> {@link #send} is fire-and-forget for the caller; its frame goes without a
 * reply, and a sync now and then tells this client what storage has taken and what it refused
 * ({@link AcceptedFrames}). {@link #sendDurably} completes after the commit of the frame holding the
 * event; on {@code TIMEOUT}, {@code NO_HANDLERS} and {@code BACKPRESSURE} the frame is sent again
 * with {@link RetryBackoff} until the retry horizon — safe because the store keeps one copy per
 * (session, sequence). A frame given up on fails its events and is reported once.
 *
 * <p><b>Bounded.</b> Events held (in open frames, in flight, waiting to be retried) are bounded by
 * {@code maxQueuedEvents} and {@code maxQueuedBytes}. Past the bound a send is refused and
 * counted ({@link #refused()}); a producer that must not lose events waits: {@link
 * #writeQueueFull()} and {@link #drainHandler}, as a Vert.x {@code WriteStream}.
 *
 * <p>Its parts: {@link OpenFrames} coalesces, {@link HeldEvents} bounds, {@link AcceptedFrames}
 * and {@link DurableFrames} deliver. Thread-safe: their state is guarded by this instance's lock,
 * so it may be used from any thread.
 */
public final class StorageClient {

  private final HeldEvents held;
  private final OpenFrames open;
  private final AcceptedFrames accepted;
  private final DurableFrames durable;
  private long framesSent;

  public StorageClient(Vertx vertx, StorageClientOptions options) {
    this.held = new HeldEvents(options.getMaxQueuedEvents(), options.getMaxQueuedBytes());
    FrameBus bus = new FrameBus(vertx, options);
    this.accepted = new AcceptedFrames(vertx, bus, held, this);
    this.durable = new DurableFrames(vertx, options, bus, held, this);
    this.open = new OpenFrames(vertx, options, this, this::sendFrame);
  }

  public StorageClient(Vertx vertx) {
    this(vertx, new StorageClientOptions());
  }

  /** Registers the RawEvent, EventFrame and EventBatch codecs on this Vert.x: once per node. */
  public static void registerCodecs(Vertx vertx) {
    Codecs.registerAll(vertx.eventBus());
  }

  /**
   * Exports the client's counts as meters: {@code skelly.client.events.refused},
   * {@code skelly.client.events.lost}, {@code skelly.client.frames.given.up},
   * {@code skelly.client.frames.sent} and the gauge {@code skelly.client.events.queued}.
   */
  public StorageClient bindTo(MeterRegistry registry) {
    FunctionCounter.builder("skelly.client.events.refused", this, StorageClient::refused)
        .description("Events refused: the client's bound was full, or storage answered BACKPRESSURE")
        .register(registry);
    FunctionCounter.builder("skelly.client.events.lost", this, StorageClient::lost)
        .description("Fire-and-forget events whose frame no storage node accepted in time")
        .register(registry);
    FunctionCounter.builder("skelly.client.frames.given.up", this, StorageClient::gaveUp)
        .description("Durable frames given up on after the retry horizon").register(registry);
    FunctionCounter.builder("skelly.client.frames.sent", this, StorageClient::framesSent)
        .description("Frames sent (first attempts)").register(registry);
    Gauge.builder("skelly.client.events.queued", this, StorageClient::queuedEvents)
        .description("Events held: in open frames, in flight or waiting to be retried")
        .register(registry);
    return this;
  }

  /**
   * Fire-and-forget.
   *
   * @return {@code false} if the event was refused (the client's bound is full; counted)
   */
  public synchronized boolean send(RawEvent event) {
    return add(event, null);
  }

  /**
   * Sends until storage confirms the commit of the frame holding the event.
   *
   * @return the event's sequence number once committed; a failure with {@code BACKPRESSURE} if
   *     the client's bound is full (counted as refused: wait for {@link #drainHandler}), or the
   *     last failure if storage refused the frame or the retry horizon passed
   */
  public synchronized Future<Long> sendDurably(RawEvent event) {
    Promise<Long> committed = Promise.promise();
    if (!add(event, committed)) {
      committed.fail(new StorageException(ErrorCode.BACKPRESSURE, held.describeBound()
          + "; wait for the drain handler before sending more"));
    }
    return committed.future();
  }

  /** Whether the client holds as much as its bound allows: further sends would be refused. */
  public synchronized boolean writeQueueFull() {
    return held.full();
  }

  /** Called (once per episode) when a full client has room again: half its bound is free. */
  public synchronized StorageClient drainHandler(Handler<Void> handler) {
    held.drainHandler(handler);
    return this;
  }

  /** Sends every open frame now; completes when nothing is held (all answered or given up). */
  public synchronized Future<Void> flush() {
    open.flushAll();
    accepted.syncNow();
    return held.whenEmpty();
  }

  public synchronized long refused() {
    return held.refused();
  }

  public synchronized long lost() {
    return accepted.lost();
  }

  public synchronized long gaveUp() {
    return durable.gaveUp();
  }

  public synchronized long framesSent() {
    return framesSent;
  }

  public synchronized long queuedEvents() {
    return held.events();
  }

  /** The breaker's state: CLOSED, OPEN (retries wait) or HALF_OPEN (one probe out). */
  public synchronized String breakerState() {
    return durable.breakerState();
  }

  /** Worth retrying: nobody listening yet, no answer in time, or the queue was full. */
  public static boolean retryable(Throwable failure) {
    return FrameBus.retryable(failure);
  }

  private boolean add(RawEvent event, Promise<Long> committed) {
    int size = event.estimatedBytes();
    if (!held.tryHold(size)) {
      return false;
    }
    if (event instanceof RawEvent.Screenshot) {
      // Order within the session is kept: what came before goes first, the screenshot alone.
      open.flushSession(event.sessionId());
      open.sendAlone(event, committed, size);
    } else {
      open.add(event, committed, size);
    }
    return true;
  }

  /** Under the lock: a frame is ready (full, lingered, flushed); durable if any producer waits for its commit. */
  private void sendFrame(OpenFrame frame) {
    framesSent++;
    InFlightFrame flight = new InFlightFrame(frame);
    if (frame.waiters.isEmpty()) {
      accepted.send(flight);
    } else {
      durable.send(flight);
    }
  }
}
