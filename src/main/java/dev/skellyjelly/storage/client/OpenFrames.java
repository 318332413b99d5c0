package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Coalesces each session's events into a frame, handed to {@code ready} when it holds
 * {@code maxFrameEvents} events or {@code maxFrameBytes} bytes, or when its linger passes. The
 * linger is short ({@code linger}) while events come fast and long ({@code maxLinger}, or
 * {@code maxDurableLinger} for a frame holding a durable event) while a short one would send
 * near-empty frames: fewer, fuller frames at low rates.
 *
 * <p>Not thread-safe: used under the {@link StorageClient}'s lock ({@code lock}), which a linger
 * timer takes before it hands a frame on.
 */
final class OpenFrames {

  /** A frame whose events, at the short linger, would be fewer than this marks a low rate. */
  private static final int LOW_RATE_FRAME_EVENTS = 32;

  private final Vertx vertx;
  private final StorageClientOptions options;
  private final Object lock;
  private final Consumer<OpenFrame> ready;
  private final Map<UUID, OpenFrame> open = new HashMap<>();
  private long lingerMs;

  OpenFrames(Vertx vertx, StorageClientOptions options, Object lock, Consumer<OpenFrame> ready) {
    this.vertx = vertx;
    this.options = options;
    this.lock = lock;
    this.ready = ready;
    this.lingerMs = options.getMaxLinger().toMillis();
  }

  /** Adds an event to its session's frame; the frame goes out if that filled it. */
  void add(RawEvent event, Promise<Long> committed, int size) {
    OpenFrame frame = open.computeIfAbsent(event.sessionId(), OpenFrame::new);
    frame.add(event, committed, size);
    if (frame.events.size() >= options.getMaxFrameEvents() || frame.bytes >= options.getMaxFrameBytes()) {
      hand(frame);
    } else if (frame.lingerTimer < 0) {
      startLinger(frame, committed == null ? lingerMs : durableLingerMs());
    } else if (committed != null && frame.waiters.size() == 1) {
      // The frame's first durable event must not wait out the longer fire-and-forget linger.
      long dueNanos = System.nanoTime() + durableLingerMs() * 1_000_000;
      if (dueNanos < frame.lingerDueNanos) {
        vertx.cancelTimer(frame.lingerTimer);
        startLinger(frame, durableLingerMs());
      }
    }
  }

  private void startLinger(OpenFrame frame, long ms) {
    frame.lingerTimer = vertx.setTimer(ms, id -> lingerExpired(frame));
    frame.lingerDueNanos = System.nanoTime() + ms * 1_000_000;
  }

  private long durableLingerMs() {
    return Math.min(lingerMs, options.getMaxDurableLinger().toMillis());
  }

  /** Sends the session's open frame now (before a screenshot of the same session, to keep order). */
  void flushSession(UUID session) {
    OpenFrame before = open.get(session);
    if (before != null) {
      hand(before);
    }
  }

  void flushAll() {
    new ArrayList<>(open.values()).forEach(this::hand);
  }

  private void lingerExpired(OpenFrame frame) {
    synchronized (lock) {
      frame.lingerTimer = -1;
      if (open.get(frame.session) == frame) {
        hand(frame);
      }
    }
  }

  private void hand(OpenFrame frame) {
    open.remove(frame.session, frame);
    if (frame.lingerTimer >= 0) {
      vertx.cancelTimer(frame.lingerTimer);
      frame.lingerTimer = -1;
    }
    adaptLinger(frame);
    ready.accept(frame);
  }

  /** Long linger only while the rate is so low that a short one would send near-empty frames. */
  private void adaptLinger(OpenFrame frame) {
    long ageNanos = Math.max(1, System.nanoTime() - frame.openedNanos);
    double perShortLinger = frame.events.size() * (options.getLinger().toNanos() / (double) ageNanos);
    lingerMs = perShortLinger < LOW_RATE_FRAME_EVENTS
        ? options.getMaxLinger().toMillis() : options.getLinger().toMillis();
  }

  /** For the screenshot path: a frame of one event that goes out at once. */
  void sendAlone(RawEvent event, Promise<Long> committed, int size) {
    OpenFrame alone = new OpenFrame(event.sessionId());
    alone.add(event, committed, size);
    ready.accept(alone);
  }
}
