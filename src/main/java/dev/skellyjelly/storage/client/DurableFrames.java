package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.retry.CircuitBreaker;
import dev.skellyjelly.storage.retry.RetryBackoff;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable frames: each is a request storage answers after the commit of its events. On
 * {@code TIMEOUT}, {@code NO_HANDLERS} and {@code BACKPRESSURE} it is sent again with
 * {@link RetryBackoff} until the retry horizon — safe because the store keeps one copy per
 * (session, sequence). While storage fails several attempts in a row the {@link CircuitBreaker}
 * opens and retries wait (parked) for its probe. A frame given up on fails its producers' futures.
 *
 * <p>Its state is guarded by the {@link StorageClient}'s lock ({@code lock}); producers hear
 * their outcome outside it.
 */
final class DurableFrames {

  /** Opens after this many failed durable attempts in a row; retries then wait for a probe. */
  private static final int BREAKER_THRESHOLD = 5;

  private final Vertx vertx;
  private final FrameBus bus;
  private final HeldEvents held;
  private final Object lock;
  private final RetryBackoff backoff;
  private final CircuitBreaker breaker;
  private final List<Runnable> parked = new ArrayList<>();
  private long wakeTimer = -1;
  private long gaveUp;

  DurableFrames(Vertx vertx, StorageClientOptions options, FrameBus bus, HeldEvents held, Object lock) {
    this.vertx = vertx;
    this.bus = bus;
    this.held = held;
    this.lock = lock;
    this.backoff = new RetryBackoff(options.getRetryFirstDelay(), options.getRetryMaxDelay(),
        options.getRetryHorizon(), RetryBackoff::randomBelow);
    this.breaker = new CircuitBreaker(BREAKER_THRESHOLD, backoff);
  }

  void send(InFlightFrame flight) {
    attempt(flight, 1);
  }

  private void attempt(InFlightFrame flight, int attempt) {
    bus.request(flight, true).onComplete(ar -> {
      Throwable failure = ar.failed() ? ar.cause() : null;
      List<Runnable> released = List.of();
      synchronized (lock) {
        if (failure == null) {
          bus.recovered();
          breaker.onSuccess();
          released = takeParked(); // storage answers again: the waiting retries go now
        } else {
          flight.lastFailure = failure;
          if (FrameBus.retryable(failure)) {
            breaker.onFailure(nowMs());
            long delay = backoff.nextDelayMs(attempt, flight.elapsedMs());
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
   * A frame's next attempt: now if the breaker lets it (or as its probe), else parked until the
   * breaker's open period ends or a probe gets through — past the horizon it gives up.
   */
  private void retry(InFlightFrame flight, int attempt) {
    synchronized (lock) {
      if (flight.elapsedMs() > backoff.horizon().toMillis()) {
        // fall through to the give-up below, outside the lock
      } else if (breaker.tryAcquire(nowMs())) {
        attempt(flight, attempt);
        return;
      } else {
        parked.add(() -> retry(flight, attempt));
        if (wakeTimer < 0) {
          wakeTimer = vertx.setTimer(Math.max(1, breaker.waitMs(nowMs())), t -> {
            List<Runnable> woken;
            synchronized (lock) {
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

  /** Tells the frame's producers its outcome and gives its room back; a retryable failure here is a give-up. */
  private void finish(InFlightFrame flight, int attempts, Throwable failure) {
    Runnable then;
    synchronized (lock) {
      if (failure != null && FrameBus.retryable(failure)) {
        gaveUp++;
        failure = new StorageException(ErrorCode.UNAVAILABLE, "storage did not confirm a"
            + " frame of " + flight.size() + " events within the retry horizon of "
            + backoff.horizon().toMillis() + " ms (" + attempts + " attempts; last: "
            + failure.getMessage() + "); is a storage node running?", failure);
        bus.reportOutage("gave up on a durable frame", failure);
      }
      then = held.release(flight.size(), flight.bytes);
    }
    // The producers hear the outcome outside the lock, after the bound has room again.
    for (OpenFrame.DurableWaiter w : flight.waiters) {
      if (failure == null) {
        w.committed().complete(w.sequence());
      } else {
        w.committed().fail(failure);
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

  long gaveUp() {
    return gaveUp;
  }

  String breakerState() {
    return breaker.state().name();
  }
}
