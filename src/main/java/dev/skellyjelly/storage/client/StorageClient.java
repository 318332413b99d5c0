package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.retry.CircuitBreaker;
import dev.skellyjelly.storage.retry.RetryBackoff;
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
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What another module (Data Capture, Analysis) uses to send events to storage from its own
 * Vert.x, in the same process or on another cluster node.
 *
 * <p><b>Frames.</b> Events are coalesced per session into {@link EventFrame}s — sent when a frame
 * holds {@code maxFrameEvents} events or {@code maxFrameBytes} bytes, or after a linger of
 * {@code linger} (at low rates up to {@code maxLinger}) — so the bus pays one message, one
 * wake-up and one reply per frame. A screenshot travels as a frame of its own.
 *
 * <p><b>Delivery.</b> {@link #send} is fire-and-forget for the caller; its frame is a request
 * the storage node answers as soon as it has accepted the events, which is how this client knows
 * what it still holds. {@link #sendDurably} completes after the commit of the frame holding the
 * event; on {@code TIMEOUT}, {@code NO_HANDLERS} and {@code BACKPRESSURE} the frame is sent again
 * with {@link RetryBackoff} until the retry horizon — safe because the store keeps one copy per
 * (session, sequence). A frame given up on fails its events and is reported once.
 *
 * <p><b>Bounded.</b> Events held (in open frames, in flight, waiting to be retried) are bounded by
 * {@code maxQueuedEvents} and {@code maxQueuedBytes}. Past the bound a send is refused and
 * counted ({@link #refused()}); a producer that must not lose events waits: {@link
 * #writeQueueFull()} and {@link #drainHandler}, as a Vert.x {@code WriteStream}.
 *
 * <p>Thread-safe: its state is guarded by the instance's lock, so it may be used from any thread.
 */
public final class StorageClient {

  private static final Logger LOG = LoggerFactory.getLogger(StorageClient.class);
  /** A frame whose events, at the short linger, would be fewer than this marks a low rate. */
  private static final int LOW_RATE_FRAME_EVENTS = 32;

  private final Vertx vertx;
  private final StorageClientOptions options;
  private final RetryBackoff backoff;
  /** Opens after this many failed durable attempts in a row; retries then wait for a probe. */
  private static final int BREAKER_THRESHOLD = 5;
  private final CircuitBreaker breaker;
  private final List<Runnable> parked = new ArrayList<>();
  private long wakeTimer = -1;
  private final DeliveryOptions durableDelivery;
  private final DeliveryOptions acceptDelivery;
  private final Map<UUID, OpenFrame> open = new HashMap<>();
  private long lingerMs;
  private long queuedEvents;
  private long queuedBytes;
  private boolean wasFull;
  private Handler<Void> drainHandler;
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private long refused;
  private long lost;
  private long gaveUp;
  private long framesSent;
  private boolean outageReported;

  public StorageClient(Vertx vertx, StorageClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.backoff = new RetryBackoff(options.getRetryFirstDelay(), options.getRetryMaxDelay(),
        options.getRetryHorizon(), RetryBackoff::randomBelow);
    this.breaker = new CircuitBreaker(BREAKER_THRESHOLD, backoff);
    long timeout = options.getReplyTimeout().toMillis();
    // Durable means committed, screenshots' metadata included (they are answered earlier without it).
    this.durableDelivery = new DeliveryOptions().setSendTimeout(timeout)
        .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);
    this.acceptDelivery = new DeliveryOptions().setSendTimeout(timeout)
        .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_ACCEPT);
    this.lingerMs = options.getMaxLinger().toMillis();
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
      committed.fail(new StorageException(ErrorCode.BACKPRESSURE, "the client holds "
          + queuedEvents + " events (" + queuedBytes + " bytes), its bound is "
          + options.getMaxQueuedEvents() + " events / " + options.getMaxQueuedBytes()
          + " bytes; wait for the drain handler before sending more"));
    }
    return committed.future();
  }

  /** Whether the client holds as much as its bound allows: further sends would be refused. */
  public synchronized boolean writeQueueFull() {
    return queuedEvents >= options.getMaxQueuedEvents() || queuedBytes >= options.getMaxQueuedBytes();
  }

  /** Called (once per episode) when a full client has room again: half its bound is free. */
  public synchronized StorageClient drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  /** Sends every open frame now; completes when nothing is held (all answered or given up). */
  public synchronized Future<Void> flush() {
    new ArrayList<>(open.values()).forEach(this::sendFrame);
    if (queuedEvents == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    return idle.future();
  }

  public synchronized long refused() {
    return refused;
  }

  public synchronized long lost() {
    return lost;
  }

  public synchronized long gaveUp() {
    return gaveUp;
  }

  public synchronized long framesSent() {
    return framesSent;
  }

  public synchronized long queuedEvents() {
    return queuedEvents;
  }

  private boolean add(RawEvent event, Promise<Long> committed) {
    int size = event.estimatedBytes();
    // One event always fits into an empty client, whatever its size: nothing else could send it.
    if (queuedEvents > 0 && (queuedEvents + 1 > options.getMaxQueuedEvents()
        || queuedBytes + size > options.getMaxQueuedBytes())) {
      refused++;
      wasFull = true;
      return false;
    }
    queuedEvents++;
    queuedBytes += size;
    if (event instanceof RawEvent.Screenshot) {
      // Order within the session is kept: what came before goes first, the screenshot alone.
      OpenFrame before = open.get(event.sessionId());
      if (before != null) {
        sendFrame(before);
      }
      OpenFrame alone = new OpenFrame(event.sessionId());
      alone.add(event, committed, size);
      sendFrame(alone);
      return true;
    }
    OpenFrame frame = open.computeIfAbsent(event.sessionId(), OpenFrame::new);
    frame.add(event, committed, size);
    if (frame.events.size() >= options.getMaxFrameEvents() || frame.bytes >= options.getMaxFrameBytes()) {
      sendFrame(frame);
    } else if (frame.lingerTimer < 0) {
      frame.lingerTimer = vertx.setTimer(lingerMs, id -> lingerExpired(frame));
    }
    return true;
  }

  private synchronized void lingerExpired(OpenFrame frame) {
    frame.lingerTimer = -1;
    if (open.get(frame.session) == frame) {
      sendFrame(frame);
    }
  }

  private void sendFrame(OpenFrame frame) {
    open.remove(frame.session, frame);
    if (frame.lingerTimer >= 0) {
      vertx.cancelTimer(frame.lingerTimer);
      frame.lingerTimer = -1;
    }
    adaptLinger(frame);
    framesSent++;
    InFlight flight = new InFlight(EventFrame.of(frame.events), frame.waiters, frame.bytes,
        System.nanoTime());
    if (frame.waiters.isEmpty()) {
      sendAccepted(flight);
    } else {
      sendCommitted(flight, 1);
    }
  }

  /** Long linger only while the rate is so low that a short one would send near-empty frames. */
  private void adaptLinger(OpenFrame frame) {
    long ageNanos = Math.max(1, System.nanoTime() - frame.openedNanos);
    double perShortLinger = frame.events.size() * (options.getLinger().toNanos() / (double) ageNanos);
    lingerMs = perShortLinger < LOW_RATE_FRAME_EVENTS
        ? options.getMaxLinger().toMillis() : options.getLinger().toMillis();
  }

  private void sendAccepted(InFlight flight) {
    request(flight, acceptDelivery).onComplete(ar -> {
          Runnable then;
          synchronized (this) {
            int n = flight.frame.events().size();
            if (ar.succeeded()) {
              outageReported = false;
            } else if (isBackpressure(ar.cause())) {
              refused += n;
            } else {
              lost += n;
              reportOutage("a fire-and-forget frame of " + n + " events was not accepted", ar.cause());
            }
            then = release(flight);
          }
          then.run();
        });
  }

  private void sendCommitted(InFlight flight, int attempt) {
    request(flight, durableDelivery).onComplete(ar -> {
          Throwable failure = ar.failed() ? ar.cause() : null;
          List<Runnable> released = List.of();
          synchronized (this) {
            if (failure == null) {
              outageReported = false;
              breaker.onSuccess();
              released = takeParked(); // storage answers again: the waiting retries go now
            } else {
              flight.lastFailure = failure;
              if (retryable(failure)) {
                breaker.onFailure(nowMs());
                long delay = backoff.nextDelayMs(attempt, elapsedMs(flight));
                if (delay >= 0) {
                  vertx.setTimer(delay, t -> retry(flight, attempt + 1));
                  return;
                }
              }
            }
          }
          released.forEach(Runnable::run);
          finish(flight, attempt, failure);
        });
  }

  /**
   * A durable frame's next attempt: now if the breaker lets it (or as its probe), else parked
   * until the breaker's open period ends or a probe gets through — past the horizon it gives up.
   */
  private void retry(InFlight flight, int attempt) {
    synchronized (this) {
      if (elapsedMs(flight) > backoff.horizon().toMillis()) {
        // fall through to the give-up below, outside the lock
      } else if (breaker.tryAcquire(nowMs())) {
        sendCommitted(flight, attempt);
        return;
      } else {
        parked.add(() -> retry(flight, attempt));
        if (wakeTimer < 0) {
          wakeTimer = vertx.setTimer(Math.max(1, breaker.waitMs(nowMs())), t -> {
            List<Runnable> woken;
            synchronized (this) {
              wakeTimer = -1;
              woken = takeParked();
            }
            woken.forEach(Runnable::run);
          });
        }
        return;
      }
    }
    finish(flight, attempt - 1, flight.lastFailure);
  }

  /** Tells the frame's senders its outcome and gives its room back; a retryable failure here is a give-up. */
  private void finish(InFlight flight, int attempts, Throwable failure) {
    Runnable then;
    synchronized (this) {
      if (failure != null && retryable(failure)) {
        gaveUp++;
        failure = new StorageException(ErrorCode.UNAVAILABLE, "storage did not confirm a"
            + " frame of " + flight.frame.events().size() + " events within the retry"
            + " horizon of " + backoff.horizon().toMillis() + " ms (" + attempts
            + " attempts; last: " + failure.getMessage() + "); is a storage node running?",
            failure);
        reportOutage("gave up on a durable frame", failure);
      }
      then = release(flight);
    }
    // The senders hear the outcome outside the lock, after the bound has room again.
    for (DurableWaiter w : flight.waiters) {
      if (failure == null) {
        w.committed.complete(w.sequence);
      } else {
        w.committed.fail(failure);
      }
    }
    then.run();
  }

  private List<Runnable> takeParked() {
    if (parked.isEmpty()) {
      return List.of();
    }
    List<Runnable> out = new ArrayList<>(parked);
    parked.clear();
    return out;
  }

  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  private static long elapsedMs(InFlight flight) {
    return (System.nanoTime() - flight.firstAttemptNanos) / 1_000_000;
  }

  /** The breaker's state: CLOSED, OPEN (retries wait) or HALF_OPEN (one probe out). */
  public synchronized String breakerState() {
    return breaker.state().name();
  }

  /** The request as a future, also when the bus refuses it at once (no codec registered). */
  private Future<Message<Object>> request(InFlight flight, DeliveryOptions delivery) {
    try {
      return vertx.eventBus().request(Addresses.EVENTS_RAW, flight.frame, delivery);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** One log line per outage, not one per frame or event; a success ends the outage. */
  private void reportOutage(String what, Throwable cause) {
    if (!outageReported) {
      outageReported = true;
      LOG.warn(what + ": " + cause.getMessage() + " (further failures are counted, not logged,"
          + " until a frame gets through)");
    }
  }

  /** Gives the frame's room back; returns what to tell waiting producers, to run unlocked. */
  private Runnable release(InFlight flight) {
    queuedEvents -= flight.frame.events().size();
    queuedBytes -= flight.bytes;
    Handler<Void> drained = null;
    if (wasFull && drainHandler != null && queuedEvents <= options.getMaxQueuedEvents() / 2
        && queuedBytes <= options.getMaxQueuedBytes() / 2) {
      wasFull = false;
      drained = drainHandler;
    }
    List<Promise<Void>> idle = List.of();
    if (queuedEvents == 0 && !idleWaiters.isEmpty()) {
      idle = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
    }
    Handler<Void> drainedHandler = drained;
    List<Promise<Void>> idleNow = idle;
    return () -> {
      if (drainedHandler != null) {
        drainedHandler.handle(null);
      }
      idleNow.forEach(Promise::complete);
    };
  }

  /** Worth retrying: nobody listening yet, no answer in time, or the queue was full. */
  public static boolean retryable(Throwable failure) {
    if (!(failure instanceof ReplyException re)) {
      return false;
    }
    return re.failureType() == ReplyFailure.NO_HANDLERS
        || re.failureType() == ReplyFailure.TIMEOUT
        || re.failureCode() == ErrorCode.BACKPRESSURE.failureCode();
  }

  private static boolean isBackpressure(Throwable failure) {
    return failure instanceof ReplyException re
        && re.failureCode() == ErrorCode.BACKPRESSURE.failureCode();
  }

  /** A session's events waiting for their frame to fill or its linger to pass. */
  private final class OpenFrame {
    final UUID session;
    final List<RawEvent> events = new ArrayList<>();
    final List<DurableWaiter> waiters = new ArrayList<>(0);
    final long openedNanos = System.nanoTime();
    long bytes;
    long lingerTimer = -1;

    OpenFrame(UUID session) {
      this.session = session;
    }

    void add(RawEvent event, Promise<Long> committed, int size) {
      events.add(event);
      bytes += size;
      if (committed != null) {
        waiters.add(new DurableWaiter(committed, event.sequence()));
      }
    }
  }

  /** A sent frame, held (and counted against the bound) until answered or given up. */
  private static final class InFlight {
    final EventFrame frame;
    final List<DurableWaiter> waiters;
    final long bytes;
    final long firstAttemptNanos;
    /** The last failure of a durable frame, for the give-up message. */
    Throwable lastFailure;

    InFlight(EventFrame frame, List<DurableWaiter> waiters, long bytes, long firstAttemptNanos) {
      this.frame = frame;
      this.waiters = waiters;
      this.bytes = bytes;
      this.firstAttemptNanos = firstAttemptNanos;
    }
  }

  private record DurableWaiter(Promise<Long> committed, long sequence) {
  }
}
