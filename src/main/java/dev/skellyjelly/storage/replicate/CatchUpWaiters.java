package dev.skellyjelly.storage.replicate;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Callers waiting until PostgreSQL holds everything committed before they asked (a clean stop,
 * {@code replication-status --wait}). A waiter is released by the first caught-up read that
 * started after it came, or answered false at its deadline.
 */
final class CatchUpWaiters {

  private record Waiter(long afterNanos, Promise<Boolean> done) {
  }

  private final Vertx vertx;
  private final List<Waiter> waiters = new ArrayList<>();

  CatchUpWaiters(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A waiter that came at {@code nowNanos}: true once released, false after {@code deadlineMs}. */
  Future<Boolean> add(long nowNanos, long deadlineMs) {
    Promise<Boolean> done = Promise.promise();
    waiters.add(new Waiter(nowNanos, done));
    long timer = vertx.setTimer(Math.max(1, deadlineMs), id -> done.tryComplete(false));
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** A read that started at {@code readNanos} found nothing left to ship: whoever came before it is done. */
  void caughtUp(long readNanos) {
    waiters.removeIf(w -> {
      if (w.afterNanos() <= readNanos) {
        w.done().tryComplete(true);
        return true;
      }
      return false;
    });
  }

  boolean isEmpty() {
    return waiters.isEmpty();
  }
}
