package dev.skellyjelly.storage.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's bound: events (and their bytes) held in open frames, in flight or waiting for a
 * retry. Past the bound a send is refused and counted; when a full client has half its room back
 * the drain handler hears it once; {@link #whenEmpty} completes when nothing is held.
 *
 * <p>Not thread-safe: used under the {@link StorageClient}'s lock. What {@link #release} returns
 * is run by the caller after it lets go of the lock, since it calls the producer back.
 */
final class HeldEvents {

  private final int maxEvents;
  private final long maxBytes;
  private long events;
  private long bytes;
  private long refused;
  private boolean wasFull;
  private Handler<Void> drainHandler;
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();

  HeldEvents(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Holds one more event of {@code size} bytes, or counts it refused if the bound is full. */
  boolean tryHold(int size) {
    // One event always fits into an empty client, whatever its size: nothing else could send it.
    if (events > 0 && (events + 1 > maxEvents || bytes + size > maxBytes)) {
      refused++;
      wasFull = true;
      return false;
    }
    events++;
    bytes += size;
    return true;
  }

  /** Events storage refused (BACKPRESSURE): counted with the client's own refusals. */
  void refusedByStorage(long count) {
    refused += count;
  }

  boolean full() {
    return events >= maxEvents || bytes >= maxBytes;
  }

  /** Half the bound is held: time to learn what may be let go of. */
  boolean halfFull() {
    return events >= maxEvents / 2 || bytes >= maxBytes / 2;
  }

  void drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
  }

  Future<Void> whenEmpty() {
    if (events == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    return idle.future();
  }

  /** Gives a frame's room back; returns what to tell waiting producers, to run unlocked. */
  Runnable release(int frameEvents, long frameBytes) {
    events -= frameEvents;
    bytes -= frameBytes;
    Handler<Void> drained = null;
    if (wasFull && drainHandler != null && events <= maxEvents / 2 && bytes <= maxBytes / 2) {
      wasFull = false;
      drained = drainHandler;
    }
    List<Promise<Void>> idle = List.of();
    if (events == 0 && !idleWaiters.isEmpty()) {
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

  long events() {
    return events;
  }

  long bytes() {
    return bytes;
  }

  long refused() {
    return refused;
  }

  String describeBound() {
    return "the client holds " + events + " events (" + bytes + " bytes), its bound is "
        + maxEvents + " events / " + maxBytes + " bytes";
  }
}
